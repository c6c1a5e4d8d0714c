import Decimal from 'decimal.js';

/** Scores and money: 40 significant digits, half-up. A clone so no other module's Decimal changes. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

/** The one rounding of a total: 2 decimals, half-up (89.995 → 90.00). */
export function round2(x: Dec): string {
  return x.toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
}

/** Exact value for output: up to 6 decimals, trailing zeros dropped. Never used for further sums. */
export function show(x: Dec): string {
  return x.toDecimalPlaces(6, D.ROUND_HALF_UP).toFixed();
}
