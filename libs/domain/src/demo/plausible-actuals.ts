import { D, Dec } from '../scoring/decimal';
import type { SpendingCheckpoint, Target } from '../targets/interchange';
import { plannedPercent } from '../monitoring/plan';
import { PERIODS, PERIOD_MONTH } from '../monitoring/plan';
import type { QuarterReportInput } from '../monitoring/quarter-report';

/**
 * Plausible quarterly actuals for `selfeval demo`: most indicators are met, some fall a little short
 * (with a cause), spending trails the plan a little. Deterministic for a seed, so a demo run can be
 * reproduced and compared.
 */
export type Random = () => number;

/** mulberry32 over a 32-bit hash of the seed text: small, fast and the same on every platform. */
export function seededRandom(seed: string): Random {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoIndicator {
  id: string;
  target: Target;
  cost?: boolean;
}

const CAUSES: [string, string][] = [
  ['经费保障', '部分资金年底才拨付到位'],
  ['人员保障', '工作人员轮岗，人手阶段性不足'],
  ['政策或外部变化', '上级部署调整，部分工作顺延'],
  ['目标设定', '年初目标测算偏高'],
];

/** A decimal between lo and hi (inclusive-ish), from the generator, with `places` decimals. */
function between(rnd: Random, lo: string, hi: string, places = 2): Dec {
  return new D(lo).plus(new D(hi).minus(lo).times(rnd().toFixed(6))).toDecimalPlaces(places);
}

function isRate(t: Target): boolean {
  return t.kind === 'quantitative' && t.unit === '%';
}

/** The year-end value of one indicator, and whether it falls short of its target. */
function yearEnd(rnd: Random, t: Target): { value: Dec | null; short: boolean } {
  if (t.kind !== 'quantitative') return { value: null, short: rnd() < 0.12 };
  const target = new D(t.value);
  if (target.isZero()) return { value: new D(0), short: false };
  const short = rnd() < 0.15;
  if (t.op === '<=' || t.op === '<') {
    return short
      ? { value: target.times(between(rnd, '1.02', '1.10', 4)).toDecimalPlaces(2), short }
      : { value: target.times(between(rnd, '0.85', '1', 4)).toDecimalPlaces(2), short };
  }
  if (short)
    return {
      value: target.times(between(rnd, '0.85', '0.98', 4)).toDecimalPlaces(isRate(t) ? 1 : 0, D.ROUND_DOWN),
      short,
    };
  const over = target.times(between(rnd, '1', isRate(t) ? '1' : '1.15', 4));
  const v = isRate(t) ? D.min(over, 100) : over.toDecimalPlaces(0, D.ROUND_UP);
  return { value: v, short };
}

function written(v: Dec, t: Target): string {
  return `${v.toFixed()}${t.kind === 'quantitative' && t.unit ? t.unit : ''}`;
}

/**
 * Four cumulative quarterly reports (Q1..Q4) for one sheet. Counts accumulate through the year,
 * rates are reported as they stand; spending follows the plan (else m/12) a little behind.
 */
export function plausibleQuarters(
  rnd: Random,
  budget: string,
  plan: SpendingCheckpoint[],
  indicators: DemoIndicator[],
): Record<(typeof PERIODS)[number], QuarterReportInput> {
  const total = new D(budget);
  const finalRate = rnd() < 0.6 ? new D(1) : between(rnd, '0.86', '0.99', 4);
  const ends = indicators.map((i) => ({ i, ...yearEnd(rnd, i.target) }));
  const out = {} as Record<(typeof PERIODS)[number], QuarterReportInput>;
  let spentBefore = new D(0);
  for (const period of PERIODS) {
    const m = PERIOD_MONTH[period];
    const last = period === 'Q4';
    const lag = last ? new D(1) : between(rnd, '0.80', '1.02', 4);
    let spent = last
      ? total.times(finalRate)
      : total.times(plannedPercent(plan, m)).div(100).times(finalRate).times(lag);
    spent = D.max(spent, spentBefore).toDecimalPlaces(2, D.ROUND_DOWN);
    spentBefore = spent;
    out[period] = {
      spending: [{ source: '财政拨款', amount: spent.toFixed(2) }],
      values: ends.map(({ i, value, short }) => {
        if (i.target.kind !== 'quantitative') {
          // A short year end says so in the value: an actual equal to its target is 达成.
          const partial = last && short;
          return {
            indicatorId: i.id,
            value: partial ? `基本完成（${i.target.text}）` : i.target.text,
            grade: partial ? '部分达成年度指标并具有一定效果' : '达成年度指标',
            likelihood: short ? '有可能' : '确定能',
            ...(last && short ? cause(rnd) : {}),
          };
        }
        // yearEnd gives every quantitative target a value
        const v = value ?? new D(0);
        const atQuarter =
          last || isRate(i.target) || i.target.op === '<=' || i.target.op === '<' || v.isZero()
            ? v
            : v.times(m).div(12).toDecimalPlaces(0, D.ROUND_DOWN);
        return {
          indicatorId: i.id,
          value: written(atQuarter, i.target),
          likelihood: short ? '有可能' : '确定能',
          ...(short ? cause(rnd) : {}),
        };
      }),
    };
  }
  return out;
}

function cause(rnd: Random): { causeCategory: string; causeText: string } {
  const [causeCategory, causeText] = CAUSES[Math.floor(rnd() * CAUSES.length)];
  return { causeCategory, causeText };
}
