import Decimal from 'decimal.js';
import { normalizeText } from './normalize';

/** Reads a published money cell (万元) as a decimal string with at least 2 decimals; null if none. */
export function parseMoney(cell: string | undefined): string | null {
  if (!cell) return null;
  const t = normalizeText(cell)
    .replace(/[\s,，]/g, '')
    .replace(/万元$/, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  return formatMoney(t);
}

export function formatMoney(value: Decimal.Value): string {
  const d = new Decimal(value);
  return d.toFixed(Math.max(2, d.decimalPlaces()));
}

/** Converts an amount in 元/千元/亿元 to 万元; null for other units. */
export function toWanYuan(value: string, unit: string | null): Decimal | null {
  const factor: Record<string, number> = { 万元: 1, 元: 0.0001, 千元: 0.1, 亿元: 10000 };
  if (!unit || !(unit in factor)) return null;
  return new Decimal(value).times(factor[unit]);
}
