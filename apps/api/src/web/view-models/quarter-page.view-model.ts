import { can, CAUSE_CATEGORIES, FUND_SOURCES, GRADES, LIKELIHOODS, PERIODS, Role, sheetLabel } from '@selfeval/domain';
import type { EvidenceFileEntity, IndicatorEntity, TargetSheetEntity, UnitEntity } from '@selfeval/db';
import type { QuarterReportsService } from '@selfeval/actuals';
import { FormField, formVersion, staleFields } from './stale-save';

export type Form = Record<string, string | undefined>;

/** Short period names of the pages (the PDFs use the domain's longer ones). */
export const PERIOD_LABEL: Record<string, string> = { Q1: '一季度', Q2: '二季度', Q3: '三季度', Q4: '四季度（年终）' };

export interface QuarterPageSource {
  sheet: TargetSheetEntity & { unit?: UnitEntity; indicators: IndicatorEntity[] };
  period: string;
  report: Awaited<ReturnType<QuarterReportsService['getReport']>>;
  evidence: EvidenceFileEntity[];
  role: Role;
  /** what was posted, shown again with the errors */
  form?: Form;
  errors?: Map<string, string[]>;
  /** the save was made on an older version: show the stored values beside the typed ones */
  stale?: boolean;
}

/** The quarterly form page: what was reported (or posted), its state and what the user may do. */
export function buildQuarterPageVM({ sheet, period, report, evidence, role, form, errors, stale }: QuarterPageSource) {
  const saved = new Map((report?.values ?? []).map((v) => [v.indicatorId, v]));
  const spentBy = new Map((report?.spending ?? []).map((s) => [s.source, s.amount]));
  const editable = can(role, 'actuals.write') && (!report || report.status === 'draft' || report.status === 'returned');
  const pick = (key: string, fallback: string | null | undefined) => (form ? (form[key] ?? '') : (fallback ?? ''));
  return {
    version: formVersion(report?.dataVersion ?? 0, form, !!stale),
    stale: stale && form ? staleFields(form, quarterFields(sheet.indicators, report, spentBy)) : null,
    formId: 'quarter-form',
    discardHref: `/sheets/${sheet.id}/periods/${period}`,
    sheet: {
      id: sheet.id,
      name: sheetLabel(sheet),
      year: sheet.year,
      budget: sheet.budgetTotal,
      unit: sheet.unit?.name,
    },
    period,
    periodLabel: PERIOD_LABEL[period],
    periods: PERIODS.map((p) => ({ p, label: PERIOD_LABEL[p], current: p === period })),
    status: report?.status ?? null,
    returnReason: report?.returnReason ?? null,
    editable,
    canConfirm: can(role, 'actuals.confirm') && report?.status === 'submitted',
    lights: report?.monitoring
      ? { spending: report.monitoring.spendingLight, indicators: report.monitoring.indicatorLight }
      : null,
    spending: FUND_SOURCES.map((source, k) => ({
      source,
      key: `spend_${k}`,
      amount: pick(`spend_${k}`, spentBy.get(source)),
    })),
    spendingErrors: errors?.get('spending') ?? [],
    formErrors: errors?.get('form') ?? [],
    indicators: sheet.indicators.map((i) => {
      const v = saved.get(i.id);
      return {
        id: i.id,
        level1: i.level1,
        level2: i.level2,
        name: i.name,
        target: i.targetRaw,
        qualitative: i.targetKind === 'qualitative',
        value: pick(`value_${i.id}`, v?.valueRaw),
        grade: pick(`grade_${i.id}`, v?.grade),
        likelihood: pick(`likelihood_${i.id}`, v?.likelihood),
        causeCategory: pick(`cause_${i.id}`, v?.causeCategory),
        causeText: pick(`causeText_${i.id}`, v?.causeText),
        errors: errors?.get(i.id) ?? [],
      };
    }),
    grades: GRADES,
    likelihoods: LIKELIHOODS,
    causes: CAUSE_CATEGORIES,
    evidence: evidence.map((e) => ({
      id: e.id,
      name: e.fileName,
      size: Math.ceil(e.size / 1024),
      by: e.uploadedBy,
      indicator: sheet.indicators.find((i) => i.id === e.indicatorId)?.name ?? '',
    })),
    canUpload: can(role, 'actuals.write') && (!report || report.status === 'draft' || report.status === 'returned'),
  };
}

/** Every field of the quarterly form with the value stored now, for the side-by-side view of a stale save. */
function quarterFields(
  indicators: IndicatorEntity[],
  report: QuarterPageSource['report'],
  spentBy: Map<string, string>,
): FormField[] {
  const saved = new Map((report?.values ?? []).map((v) => [v.indicatorId, v]));
  return [
    ...FUND_SOURCES.map((source, k) => ({
      label: `累计执行数（${source}）`,
      name: `spend_${k}`,
      stored: spentBy.get(source),
    })),
    ...indicators.flatMap((i) => {
      const v = saved.get(i.id);
      return [
        i.targetKind === 'qualitative'
          ? { label: `“${i.name}”评价等级`, name: `grade_${i.id}`, stored: v?.grade }
          : { label: `“${i.name}”完成值`, name: `value_${i.id}`, stored: v?.valueRaw },
        { label: `“${i.name}”完成可能性`, name: `likelihood_${i.id}`, stored: v?.likelihood },
        { label: `“${i.name}”原因类别`, name: `cause_${i.id}`, stored: v?.causeCategory },
        { label: `“${i.name}”偏差说明`, name: `causeText_${i.id}`, stored: v?.causeText },
      ];
    }),
  ];
}
