import { D, Dec, show } from '../scoring/decimal';
import { deadlineOf } from '../scoring/date-target';
import { dateParts, describeDate } from '../targets/dates';
import type { DateTarget, PeriodTarget, Target, SpendingCheckpoint } from '../targets/interchange';
import { plannedPercent } from './plan';

/** red > yellow > green > blue: blue is far ahead (target likely set too low). none: not reported. */
export type Light = 'red' | 'yellow' | 'green' | 'blue' | 'none';
/** The words for a light in pages, PDFs and mail (colour alone does not survive a grey printout). */
export const LIGHT_LABELS: Record<Light, string> = {
  red: '红灯',
  yellow: '黄灯',
  green: '绿灯',
  blue: '蓝灯',
  none: '未填报',
};
const SEVERITY: Record<Light, number> = { red: 4, yellow: 3, none: 2, green: 1, blue: 0 };

export interface MonitoringThresholds {
  /** ahead: progress at or above it is spending faster than planned (a warning, never green) */
  spending: { red: string; yellow: string; ahead: string };
  indicator: { red: string; yellow: string; blue: string };
}

/** Profile settings (domain.md §5); the national defaults. */
export const DEFAULT_THRESHOLDS: MonitoringThresholds = {
  spending: { red: '60', yellow: '80', ahead: '120' },
  indicator: { red: '60', yellow: '80', blue: '120' },
};

export interface SpendingLight {
  light: Light;
  executionRate: string;
  expected: string;
  progress: string;
  explanation: string;
}

/**
 * 执行率 against the sheet's own 资金支出计划 (linear between checkpoints), else m/12 (domain.md §5). Spending above
 * the year's budget is red whatever the plan says (超预算); spending well ahead of the plan is yellow: neither is green.
 */
export function spendingLight(
  spent: string,
  adjusted: string,
  month: number,
  plan: SpendingCheckpoint[] | undefined,
  th = DEFAULT_THRESHOLDS,
): SpendingLight {
  const rate = new D(spent).div(adjusted).times(100);
  const expected = plannedPercent(plan, month);
  const progress = expected.isZero() ? new D(100) : rate.div(expected).times(100);
  const pct = (d: Dec) => `${show(d.toDecimalPlaces(2))}%`;
  const ratio = `执行率 ${pct(rate)} ÷ ${plan?.length ? '计划' : '时间'}进度 ${pct(expected)} = ${pct(progress)}`;
  let light: Light;
  let explanation: string;
  if (new D(spent).gt(adjusted)) {
    light = 'red';
    explanation = `超预算：累计执行 ${show(new D(spent).toDecimalPlaces(2))} 万元，超过全年预算 ${show(new D(adjusted).toDecimalPlaces(2))} 万元（执行率 ${pct(rate)}）`;
  } else if (progress.gte(th.spending.ahead)) {
    light = 'yellow';
    explanation = `支出快于计划：${ratio}`;
  } else {
    light = progress.lt(th.spending.red) ? 'red' : progress.lt(th.spending.yellow) ? 'yellow' : 'green';
    explanation = light === 'green' ? ratio : `支出慢于计划：${ratio}`;
  }
  return {
    light,
    executionRate: show(rate.toDecimalPlaces(2)),
    expected: show(expected.toDecimalPlaces(2)),
    progress: show(progress.toDecimalPlaces(2)),
    explanation,
  };
}

export interface IndicatorLightInput {
  target: Target;
  /** current cumulative value in the target's unit; null when not reported */
  current: Dec | null;
  grade?: string | null;
  likelihood?: string | null;
}

export interface IndicatorLight {
  light: Light;
  progress: string | null;
  explanation: string;
}

/**
 * Indicator progress at month m (domain.md §5). Counts accumulate over the year, so a ≥ count is
 * compared with t × m/12; a rate (%) is not cumulative and is compared with t directly.
 */
export function indicatorLight(input: IndicatorLightInput, month: number, th = DEFAULT_THRESHOLDS): IndicatorLight {
  if (input.likelihood === '完全不可能')
    return { light: 'red', progress: null, explanation: '单位判断全年完全不可能完成' };
  const t = input.target;
  if (t.kind === 'qualitative') {
    const g = input.grade ?? '';
    if (/^未达成/.test(g)) return { light: 'red', progress: null, explanation: `评价等级：${g}` };
    if (/^部分达成/.test(g)) return { light: 'yellow', progress: null, explanation: `评价等级：${g}` };
    if (/^达成/.test(g)) return { light: 'green', progress: null, explanation: `评价等级：${g}` };
    return { light: 'none', progress: null, explanation: '未填报' };
  }
  if (t.kind === 'date' || t.kind === 'period') return deadlineLight(t, input.grade, month);
  if (input.current === null) return { light: 'none', progress: null, explanation: '未填报' };
  const target = new D(t.value);
  const a = input.current;
  if (t.op === '<=' || t.op === '<' || target.isZero()) {
    const ok = a.lte(target);
    return {
      light: ok ? 'green' : 'red',
      progress: null,
      explanation: `当前 ${a.toFixed()} ${ok ? '≤' : '>'} 目标 ${target.toFixed()}`,
    };
  }
  const rate = t.unit === '%';
  const expected = rate ? target : target.times(month).div(12);
  const p = a.div(expected).times(100);
  const light: Light = p.lt(th.indicator.red)
    ? 'red'
    : p.lt(th.indicator.yellow)
      ? 'yellow'
      : p.lt(th.indicator.blue)
        ? 'green'
        : 'blue';
  return {
    light,
    progress: show(p.toDecimalPlaces(2)),
    explanation: `当前 ${a.toFixed()} ÷ ${rate ? '目标' : `(目标 × ${month}/12)`} ${show(expected.toDecimalPlaces(4))} = ${show(p.toDecimalPlaces(2))}%`,
  };
}

/**
 * A deadline has no progress ratio: green once reported done, red when its month has passed
 * without that, otherwise neutral ('none') until it falls due.
 */
function deadlineLight(t: DateTarget | PeriodTarget, grade: string | null | undefined, month: number): IndicatorLight {
  const deadline = deadlineOf(t);
  const g = grade?.trim() ?? '';
  if (/^(是|已完成|按时完成|完成|达成)/.test(g))
    return { light: 'green', progress: null, explanation: `完成时限 ${describeDate(deadline)}，已完成` };
  const due = dateParts(deadline)?.month ?? 12;
  if (due < month)
    return { light: 'red', progress: null, explanation: `完成时限 ${describeDate(deadline)} 已过，未报告完成` };
  return { light: 'none', progress: null, explanation: `完成时限 ${describeDate(deadline)}，尚未到期` };
}

/** The worst light; 'none' (not reported) ranks between yellow and green. */
export function worstLight(lights: Light[]): Light {
  return lights.reduce<Light>((w, l) => (SEVERITY[l] > SEVERITY[w] ? l : w), lights.length ? 'blue' : 'none');
}
