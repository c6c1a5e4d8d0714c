import { D, Dec } from '../scoring/decimal';
import type { SpendingCheckpoint } from '../targets/interchange';

/** The plan's cumulative percent at month m, linear between checkpoints, else m/12 (domain.md §5). */
export function plannedPercent(plan: SpendingCheckpoint[] | undefined, month: number): Dec {
  const points = (plan ?? [])
    .filter((p) => p.percent !== '')
    .map((p) => ({ m: p.month, p: new D(p.percent) }))
    .sort((a, b) => a.m - b.m);
  if (!points.length) return new D(month).div(12).times(100);
  let prev = { m: 0, p: new D(0) };
  for (const pt of points) {
    if (month <= pt.m)
      return prev.p.plus(
        pt.p
          .minus(prev.p)
          .times(month - prev.m)
          .div(pt.m - prev.m),
      );
    prev = pt;
  }
  return prev.p;
}

export type Period = 'Q1' | 'Q2' | 'Q3' | 'Q4';
export const PERIODS: Period[] = ['Q1', 'Q2', 'Q3', 'Q4'];
export const PERIOD_MONTH: Record<Period, number> = { Q1: 3, Q2: 6, Q3: 9, Q4: 12 };
export const PERIOD_NAME: Record<Period, string> = {
  Q1: '一季度（1–3月）',
  Q2: '二季度（1–6月）',
  Q3: '三季度（1–9月）',
  Q4: '四季度（1–12月）',
};
