import Decimal from 'decimal.js';
import { ValueTransformer } from 'typeorm';

/**
 * Decimal columns come back as numbers from SQLite and strings from PostgreSQL; both become
 * a canonical decimal string here so no caller ever sees a binary float.
 */
export const decimalString: ValueTransformer = {
  to: (value: string | null | undefined) => (value === undefined ? undefined : value),
  from: (value: string | number | null) =>
    value === null || value === undefined ? null : new Decimal(String(value)).toFixed(),
};
