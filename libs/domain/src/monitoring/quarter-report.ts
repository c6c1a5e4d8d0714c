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

export interface QuarterReportInput {
  spending: { source: string; amount: string }[];
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
    return new D(s);
  };

  let spent = new D(0);
  input.spending.forEach((row, i) => {
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
    else adjusted = adjusted.plus(s);
    if (!adj.reason?.trim()) errors.push({ field: `adjustments[${i}].reason`, message: '预算调整须填写调整原因' });
  });
  if (adjusted.lte(0))
    errors.push({ field: 'adjustments', message: `调整后预算数 ${adjusted.toFixed()} 万元应大于 0` });
  if (spent.gt(adjusted)) {
    const msg = `累计执行数 ${spent.toFixed()} 万元超过调整后预算数 ${adjusted.toFixed()} 万元`;
    if (input.overspendExplanation?.trim()) warnings.push({ field: 'spending', message: `${msg}（已说明原因）` });
    else errors.push({ field: 'overspendExplanation', message: `${msg}，须说明原因` });
  }

  const byId = new Map(sheet.indicators.map((i) => [i.id, i]));
  const values: NormalizedValue[] = [];
  input.values.forEach((v, i) => {
    const ind = byId.get(v.indicatorId);
    if (!ind) {
      errors.push({ field: `values[${i}].indicatorId`, message: `指标 ${v.indicatorId} 不属于这张绩效目标表` });
      return;
    }
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
