import Decimal from 'decimal.js';
import { ValueTransformer } from 'typeorm';

/**
 * Decimal columns are numeric on PostgreSQL and text on SQLite (migration 1732800000000: SQLite's
 * numeric affinity would store a double); both are written and read as canonical decimal strings,
 * so no value ever passes through a binary float and 18 digits come back digit for digit.
 */
export const decimalString: ValueTransformer = {
  to: (value: string | null | undefined) =>
    value === undefined || value === null ? value : new Decimal(String(value)).toFixed(),
  from: (value: string | number | null) =>
    value === null || value === undefined ? null : new Decimal(String(value)).toFixed(),
};
