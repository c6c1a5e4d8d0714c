import { readCompletion } from '../scoring/date-target';
import { D, Dec } from '../scoring/decimal';
import { readActual } from '../scoring/actual';
import { CAUSE_CATEGORIES } from '../scoring/types';
import type { Target } from '../targets/interchange';

export const LIKELIHOODS = ['确定能', '有可能', '完全不可能'] as const;
export const GRADES = ['达成年度指标', '部分达成年度指标并具有一定效果', '未达成年度指标且效果较差'] as const;
export const FUND_SOURCES = ['财政拨款', '上年结转', '其他资金'] as const;

export interface ReportIndicatorTarget {
  id: string;
  name: string;
  target: Target;
}

/**
 * What a save sends. A field left out (undefined) is not part of this save and keeps what is stored (a page
 * without a field, an older client); an empty string or an empty list clears it. See mergeReportInput.
 */
export interface QuarterReportInput {
  spending?: { source: string; amount: string }[];
  adjustments?: { amount: string; reason: string }[];
  overspendExplanation?: string;
  values: {
    indicatorId: string;
    value?: string;
    grade?: string;
    likelihood?: string;
    causeCategory?: string;
    causeText?: string;
  }[];
}

export interface ReportProblem {
  field: string;
  message: string;
}

export interface NormalizedValue {
  indicatorId: string;
  valueRaw: string | null;
  /** in the target's unit; null for qualitative or empty */
  valueNum: string | null;
  grade: string | null;
  likelihood: string | null;
  causeCategory: string | null;
  causeText: string | null;
}

export interface ValidatedReport {
  errors: ReportProblem[];
  warnings: ReportProblem[];
  spentTotal: string;
  adjustedBudget: string;
  values: NormalizedValue[];
}

const MONEY = /^\d+(\.\d{1,6})?$/;

/**
 * What the database columns hold (libs/db): money decimal(18,6) in 万元, indicator values and
 * targets decimal(20,6). A longer number is refused here, naming the field, instead of failing
 * (or being rounded) in the database.
 */
export const DECIMAL_COLUMNS = {
  money: { integerDigits: 12, scale: 6 },
  value: { integerDigits: 14, scale: 6 },
} as const;

/** Why a decimal does not fit its column (Chinese), or null when it fits. */
export function decimalOverflow(value: Dec | string, column: keyof typeof DECIMAL_COLUMNS): string | null {
  const { integerDigits, scale } = DECIMAL_COLUMNS[column];
  const d = new D(value);
  if (d.abs().gte(new D(10).pow(integerDigits))) return `超出可保存的范围（整数部分最多 ${integerDigits} 位）`;
  if (d.decimalPlaces() > scale) return `小数位过多（最多 ${scale} 位）`;
  return null;
}

/**
 * Checks one quarterly report (cumulative, domain.md §5) against its sheet. Pure: the service
 * stores the normalised values only when there is no error, all in one transaction.
 */
export function validateQuarterReport(
  input: QuarterReportInput,
  sheet: { budgetTotal: string; indicators: ReportIndicatorTarget[] },
  previous?: Map<string, string | null>,
): ValidatedReport {
  const errors: ReportProblem[] = [];
  const warnings: ReportProblem[] = [];
  const money = (v: string, field: string, label: string): Dec | null => {
    const s = String(v ?? '').trim();
    if (s.startsWith('-')) {
      errors.push({ field, message: `${label}“${s}”不能为负数` });
      return null;
    }
    if (!MONEY.test(s)) {
      errors.push({ field, message: `${label}“${s}”应为金额（万元，最多 6 位小数）` });
      return null;
    }
    const overflow = decimalOverflow(s, 'money');
    if (overflow) {
      errors.push({ field, message: `${label}“${s}”${overflow}` });
      return null;
    }
    return new D(s);
  };

  let spent = new D(0);
  (input.spending ?? []).forEach((row, i) => {
    if (!(FUND_SOURCES as readonly string[]).includes(row.source)) {
      errors.push({
        field: `spending[${i}].source`,
        message: `资金来源“${row.source}”应为：${FUND_SOURCES.join('、')}`,
      });
    }
    const m = money(row.amount, `spending[${i}].amount`, `资金来源“${row.source}”的执行数`);
    if (m) spent = spent.plus(m);
  });

  let adjusted = new D(sheet.budgetTotal);
  (input.adjustments ?? []).forEach((adj, i) => {
    const s = String(adj.amount ?? '').trim();
    if (!/^-?\d+(\.\d{1,6})?$/.test(s))
      errors.push({ field: `adjustments[${i}].amount`, message: `预算调整金额“${s}”应为数字（万元，调减写负数）` });
    else if (decimalOverflow(s, 'money'))
      errors.push({ field: `adjustments[${i}].amount`, message: `预算调整金额“${s}”${decimalOverflow(s, 'money')}` });
    else adjusted = adjusted.plus(s);
    if (!adj.reason?.trim()) errors.push({ field: `adjustments[${i}].reason`, message: '预算调整须填写调整原因' });
  });
  if (adjusted.lte(0))
    errors.push({ field: 'adjustments', message: `调整后预算数 ${adjusted.toFixed()} 万元应大于 0` });
  // the sums are stored too (quarter_report.spent_total, adjusted_budget)
  if (decimalOverflow(spent, 'money'))
    errors.push({ field: 'spending', message: `累计执行数 ${spent.toFixed()} 万元${decimalOverflow(spent, 'money')}` });
  if (decimalOverflow(adjusted, 'money'))
    errors.push({
      field: 'adjustments',
      message: `调整后预算数 ${adjusted.toFixed()} 万元${decimalOverflow(adjusted, 'money')}`,
    });
  if (spent.gt(adjusted)) {
    const msg = `累计执行数 ${spent.toFixed()} 万元超过调整后预算数 ${adjusted.toFixed()} 万元`;
    if (input.overspendExplanation?.trim()) warnings.push({ field: 'spending', message: `${msg}（已说明原因）` });
    else errors.push({ field: 'overspendExplanation', message: `${msg}，须说明原因` });
  }

  const byId = new Map(sheet.indicators.map((i) => [i.id, i]));
  const values: NormalizedValue[] = [];
  const seen = new Map<string, number>();
  input.values.forEach((v, i) => {
    const ind = byId.get(v.indicatorId);
    if (!ind) {
      errors.push({ field: `values[${i}].indicatorId`, message: `指标 ${v.indicatorId} 不属于这张绩效目标表` });
      return;
    }
    // one value per indicator: a second row would be ambiguous (and collide in the database)
    if (seen.has(ind.id)) {
      errors.push({
        field: `values[${i}].indicatorId`,
        message: `“${ind.name}”重复填报（与 values[${seen.get(ind.id)}] 是同一指标），每个指标只能填一次`,
      });
      return;
    }
    seen.set(ind.id, i);
    const field = (k: string) => `values[${i}].${k}`;
    if (v.likelihood && !(LIKELIHOODS as readonly string[]).includes(v.likelihood)) {
      errors.push({ field: field('likelihood'), message: `“${ind.name}”的完成可能性应为：${LIKELIHOODS.join('、')}` });
    }
    if (v.causeCategory && !(CAUSE_CATEGORIES as readonly string[]).includes(v.causeCategory)) {
      errors.push({
        field: field('causeCategory'),
        message: `“${ind.name}”的原因类别应为：${CAUSE_CATEGORIES.join('、')}`,
      });
    }
    const out: NormalizedValue = {
      indicatorId: ind.id,
      valueRaw: v.value?.trim() || null,
      valueNum: null,
      grade: null,
      likelihood: v.likelihood || null,
      causeCategory: v.causeCategory || null,
      causeText: v.causeText?.trim() || null,
    };
    const t = ind.target;
    if (t.kind === 'qualitative') {
      const grade = v.grade ?? v.value;
      if (grade && !(GRADES as readonly string[]).includes(grade.trim())) {
        errors.push({ field: field('grade'), message: `“${ind.name}”是定性指标，请选择等级：${GRADES.join('、')}` });
      }
      out.grade = grade?.trim() || null;
    } else if (out.valueRaw && (t.kind === 'date' || t.kind === 'period')) {
      const c = readCompletion(out.valueRaw, t);
      if (!c.ok) errors.push({ field: field('value'), message: `“${ind.name}”：${c.message}` });
    } else if (out.valueRaw && t.kind === 'quantitative') {
      const a = readActual(out.valueRaw, t);
      if (!a.ok) errors.push({ field: field('value'), message: `“${ind.name}”：${a.message}` });
      else {
        if (t.unit === '%' && a.value.gt(100))
          errors.push({
            field: field('value'),
            message: `“${ind.name}”是比率，当前值 ${a.value.toFixed()}% 不能超过 100%`,
          });
        if (a.value.lt(0)) errors.push({ field: field('value'), message: `“${ind.name}”当前值不能为负数` });
        const overflow = decimalOverflow(a.value, 'value');
        if (overflow)
          errors.push({ field: field('value'), message: `“${ind.name}”当前值“${out.valueRaw}”${overflow}` });
        out.valueNum = a.value.toFixed();
        const before = previous?.get(ind.id);
        if (t.unit !== '%' && before !== undefined && before !== null && a.value.lt(before)) {
          warnings.push({
            field: field('value'),
            message: `“${ind.name}”累计值 ${a.value.toFixed()} 比上一季度的 ${before} 少，请确认按累计数填报`,
          });
        }
      }
    }
    values.push(out);
  });
  return { errors, warnings, spentTotal: spent.toFixed(), adjustedBudget: adjusted.toFixed(), values };
}

/** What a report holds now, as the database gives it back. */
export interface StoredReportData {
  spending: { source: string; amount: string }[];
  adjustments: { amount: string; reason: string }[];
  overspendExplanation: string | null;
  values: Omit<NormalizedValue, 'valueNum'>[];
}

const given = <T>(v: T | undefined, stored: T | null | undefined): T | undefined =>
  v !== undefined ? v : (stored ?? undefined);

/**
 * A save on top of what is stored: every field the input leaves out keeps its stored value, so a form
 * without a field (or an API client that does not know it) never clears what Excel or another client wrote.
 * The completion value and the grade are one answer: giving either replaces both. Input rows keep their
 * order (error fields values[i] name the input's rows); stored rows the input does not mention follow.
 */
export function mergeReportInput(input: QuarterReportInput, stored: StoredReportData | null): QuarterReportInput {
  if (!stored) return input;
  const byId = new Map(stored.values.map((v) => [v.indicatorId, v]));
  const mentioned = new Set(input.values.map((v) => v.indicatorId));
  const values = input.values.map((v) => {
    const s = byId.get(v.indicatorId);
    if (!s) return v;
    const answered = v.value !== undefined || v.grade !== undefined;
    return {
      indicatorId: v.indicatorId,
      value: answered ? v.value : (s.valueRaw ?? undefined),
      grade: answered ? v.grade : (s.grade ?? undefined),
      likelihood: given(v.likelihood, s.likelihood),
      causeCategory: given(v.causeCategory, s.causeCategory),
      causeText: given(v.causeText, s.causeText),
    };
  });
  for (const s of stored.values)
    if (!mentioned.has(s.indicatorId))
      values.push({
        indicatorId: s.indicatorId,
        value: s.valueRaw ?? undefined,
        grade: s.grade ?? undefined,
        likelihood: s.likelihood ?? undefined,
        causeCategory: s.causeCategory ?? undefined,
        causeText: s.causeText ?? undefined,
      });
  return {
    spending: input.spending ?? stored.spending,
    adjustments: input.adjustments ?? stored.adjustments,
    overspendExplanation: given(input.overspendExplanation, stored.overspendExplanation),
    values,
  };
}

/**
 * What a report still lacks before it can be submitted (a draft may lack anything): the 累计执行数 and, for
 * every indicator, its completion value or (qualitative) its grade. `values` in the order whose index the
 * fields name (values[i].value / values[i].grade); an indicator without a row is named under `values`.
 */
export function missingForSubmission(
  report: { spending: { amount: string }[]; values: Pick<NormalizedValue, 'indicatorId' | 'valueRaw' | 'grade'>[] },
  indicators: ReportIndicatorTarget[],
): ReportProblem[] {
  const problems: ReportProblem[] = [];
  if (!report.spending.some((s) => String(s.amount ?? '').trim() !== ''))
    problems.push({ field: 'spending', message: '尚未填写累计执行数（没有支出请填 0）' });
  const at = new Map(report.values.map((v, i) => [v.indicatorId, i]));
  for (const ind of indicators) {
    const i = at.get(ind.id);
    const v = i === undefined ? undefined : report.values[i];
    const qualitative = ind.target.kind === 'qualitative';
    if (qualitative ? v?.grade?.trim() : v?.valueRaw?.trim()) continue;
    problems.push({
      field: i === undefined ? 'values' : `values[${i}].${qualitative ? 'grade' : 'value'}`,
      message: qualitative ? `“${ind.name}”尚未选择评价等级` : `“${ind.name}”尚未填写完成值`,
    });
  }
  return problems;
}
