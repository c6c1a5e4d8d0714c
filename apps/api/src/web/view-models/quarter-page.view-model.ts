import {
  can,
  CAUSE_CATEGORIES,
  DomainError,
  FUND_SOURCES,
  GRADES,
  LIKELIHOODS,
  PERIODS,
  QuarterReportInput,
  Role,
  sheetLabel,
  STATUS_NAME,
  formatDateTime,
} from '@selfeval/domain';
import type {
  AuditLogEntity,
  EvidenceFileEntity,
  IndicatorEntity,
  ReportFileEntity,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import type { QuarterReportsService } from '@selfeval/actuals';
import { FormField, formVersion, staleFields } from './stale-save';

export type Form = Record<string, string | undefined>;

/** Short period names of the pages (the PDFs use the domain's longer ones). */
export const PERIOD_LABEL: Record<string, string> = { Q1: '一季度', Q2: '二季度', Q3: '三季度', Q4: '四季度（年终）' };

type Sheet = TargetSheetEntity & { unit?: UnitEntity; indicators: IndicatorEntity[] };

export interface QuarterPageSource {
  sheet: Sheet;
  period: string;
  report: Awaited<ReturnType<QuarterReportsService['getReport']>>;
  evidence: EvidenceFileEntity[];
  /** whether evidence may be added now: while filling in, or as 补充佐证材料 until the year end is approved */
  evidenceWindow?: 'fill-in' | 'supplement' | 'closed';
  role: Role;
  /** every version of the sheet (目标调整): a draft or superseded one links to the approved one */
  versions: Pick<TargetSheetEntity, 'id' | 'version' | 'status'>[];
  /** the report's audit trail: its returns are listed with their reasons */
  trail: Pick<AuditLogEntity, 'action' | 'reason' | 'actor' | 'createdAt'>[];
  /** what was posted, shown again with the errors */
  form?: Form;
  errors?: Map<string, string[]>;
  /** the save was made on an older version: show the stored values beside the typed ones */
  stale?: boolean;
  /** the head's decision form as posted, with its error */
  decision?: { reason: string; error: string };
  /** the upload form's error (kept in the session across the redirect that cleans the address bar) */
  upload?: { kind: string; indicatorId: string; error: string; details: string[] };
  /** the newest 绩效运行监控表 of this quarter, if one was rendered */
  monitoringTable?: Pick<ReportFileEntity, 'createdAt' | 'dataVersion'> | null;
}

/** The quarter's 绩效运行监控表: whether this user may generate it, and the newest file to download. */
function monitoringTableModel(src: QuarterPageSource, canGenerate: boolean) {
  const file = src.monitoringTable;
  return {
    shown: canGenerate || !!file,
    canGenerate,
    file: file
      ? { createdAt: formatDateTime(file.createdAt), current: file.dataVersion === src.report?.dataVersion }
      : null,
  };
}

const trimmed = (v: string | undefined) => (v === undefined ? undefined : v.trim());
const posted = (form: Form, prefix: string) => Object.keys(form).filter((k) => k.startsWith(prefix));

/**
 * The quarterly form as a save: every field the form shows, empty ones as '' (clears); a field the posted
 * form does not carry stays undefined, and the service keeps what is stored for it.
 */
export function quarterInput(form: Form, indicators: Pick<IndicatorEntity, 'id'>[]): QuarterReportInput {
  const rows = new Set(posted(form, 'adjAmount_').map((k) => k.slice('adjAmount_'.length)));
  for (const k of posted(form, 'adjReason_')) rows.add(k.slice('adjReason_'.length));
  return {
    spending: posted(form, 'spend_').length
      ? FUND_SOURCES.map((source, k) => ({ source, amount: (form[`spend_${k}`] ?? '').trim() })).filter(
          (s) => s.amount !== '',
        )
      : undefined,
    adjustments: rows.size
      ? [...rows]
          .filter((k) => /^\d{1,3}$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => ({
            amount: (form[`adjAmount_${k}`] ?? '').trim(),
            reason: (form[`adjReason_${k}`] ?? '').trim(),
          }))
          .filter((a) => a.amount !== '' || a.reason !== '')
      : undefined,
    overspendExplanation: trimmed(form.overspendExplanation),
    values: indicators.map((i) => ({
      indicatorId: i.id,
      value: trimmed(form[`value_${i.id}`]),
      grade: trimmed(form[`grade_${i.id}`]),
      likelihood: trimmed(form[`likelihood_${i.id}`]),
      causeCategory: trimmed(form[`cause_${i.id}`]),
      causeText: trimmed(form[`causeText_${i.id}`]),
    })),
  };
}

/**
 * Where each message of a refused save goes on the page: values[i].… beside the indicator (the form posts
 * them in the sheet's order), spending, each adjustment row, the 超预算说明; anything else at the top.
 */
export function quarterFieldErrors(e: DomainError, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of e.details.length ? e.details : [{ field: e.where.field ?? '', message: e.userMessage }]) {
    const value = /^values\[(\d+)\]/.exec(d.field);
    const adjustment = /^adjustments\[(\d+)\]/.exec(d.field);
    let key = 'form';
    if (value && ids[Number(value[1])]) key = ids[Number(value[1])];
    else if (/^spending/.test(d.field)) key = 'spending';
    else if (adjustment) {
      // empty rows are not sent: the n-th filled row is adjustments[n], shown again as the n-th row
      key = `adj_${adjustment[1]}`;
    } else if (d.field === 'adjustments') key = 'adjustments';
    else if (d.field === 'overspendExplanation') key = 'overspendExplanation';
    out.set(key, [...(out.get(key) ?? []), d.message]);
  }
  return out;
}

/** The page's notice for a sheet version that is not the one in force, and where the one in force is. */
function versionNotice(sheet: Sheet, period: string, versions: QuarterPageSource['versions']) {
  if (sheet.status === 'approved') return null;
  const approved = versions.find((v) => v.status === 'approved');
  const href = approved ? `/sheets/${approved.id}/periods/${period}` : null;
  const text =
    sheet.status === 'draft'
      ? `本表第 ${sheet.version} 版（目标调整）尚待批复，批复前不能按此版填报。` +
        (approved ? `请在现行的第 ${approved.version} 版填报。` : '目标表批复后即可填报。')
      : `本表第 ${sheet.version} 版已被新版本取代，以下为按此版填报的内容（只读）。` +
        (approved ? `现行为第 ${approved.version} 版。` : '');
  return { text, href, label: approved ? `打开现行第 ${approved.version} 版的${PERIOD_LABEL[period]}填报` : '' };
}

/** The quarterly form page: what was reported (or posted), its state and what the user may do. */
export function buildQuarterPageVM(src: QuarterPageSource) {
  const { sheet, period, report, evidence, role, form, errors, stale } = src;
  const saved = new Map((report?.values ?? []).map((v) => [v.indicatorId, v]));
  const spentBy = new Map((report?.spending ?? []).map((s) => [s.source, s.amount]));
  const inForce = sheet.status === 'approved';
  const open = !report || report.status === 'draft' || report.status === 'returned';
  const editable = inForce && can(role, 'actuals.write') && open;
  const pick = (key: string, fallback: string | null | undefined) => (form ? (form[key] ?? '') : (fallback ?? ''));
  const err = (key: string) => errors?.get(key) ?? [];

  // stored rows (or the posted ones) and, while editable, one empty row to add an adjustment
  const adjustments = form
    ? [
        ...new Set(
          Object.keys(form)
            .map((k) => /^adj(?:Amount|Reason)_(\d{1,3})$/.exec(k)?.[1])
            .filter((k): k is string => !!k),
        ),
      ]
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => ({ amount: form[`adjAmount_${k}`] ?? '', reason: form[`adjReason_${k}`] ?? '' }))
        .filter((a) => a.amount.trim() !== '' || a.reason.trim() !== '')
    : (report?.adjustments ?? []).map((a) => ({ amount: a.amount, reason: a.reason }));
  const adjustmentRows = [...adjustments, ...(editable ? [{ amount: '', reason: '' }] : [])].map((a, k) => ({
    k,
    n: k + 1,
    ...a,
    errors: err(`adj_${k}`),
  }));

  const returns = src.trail
    .filter((a) => a.action === 'return')
    .map((a) => ({ at: formatDateTime(a.createdAt), by: a.actor, reason: a.reason ?? '' }))
    .reverse();
  const status = report?.status ?? null;
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
    versionNotice: versionNotice(sheet, period, src.versions),
    period,
    periodLabel: PERIOD_LABEL[period],
    periods: PERIODS.map((p) => ({ p, label: PERIOD_LABEL[p], current: p === period })),
    status,
    statusLabel: status ? STATUS_NAME[status] : STATUS_NAME.none,
    // only the state the report is in now: a reason of an earlier return is history, not a banner
    returnReason: status === 'returned' ? (report?.returnReason ?? null) : null,
    returns,
    submittedAt: status && status !== 'draft' ? formatDateTime(report?.submittedAt) : '',
    submittedBy: report?.submittedBy ?? '',
    confirmedAt: status === 'confirmed' ? formatDateTime(report?.confirmedAt) : '',
    confirmedBy: status === 'confirmed' ? (report?.confirmedBy ?? '') : '',
    editable,
    canConfirm: inForce && can(role, 'actuals.confirm') && status === 'submitted',
    canReturn: inForce && can(role, 'actuals.confirm') && (status === 'submitted' || status === 'confirmed'),
    // the 绩效运行监控表 of a submitted quarter: generated here, downloaded from here
    monitoringTable: monitoringTableModel(src, can(role, 'reports.generate') && !!status && status !== 'draft'),
    decision: src.decision ?? { reason: '', error: '' },
    lights: report?.monitoring
      ? { spending: report.monitoring.spendingLight, indicators: report.monitoring.indicatorLight }
      : null,
    spending: FUND_SOURCES.map((source, k) => ({
      source,
      key: `spend_${k}`,
      amount: pick(`spend_${k}`, spentBy.get(source)),
    })),
    spendingErrors: err('spending'),
    adjustedBudget: report?.adjustedBudget ?? sheet.budgetTotal,
    adjustments: adjustmentRows,
    noAdjustments: adjustmentRows.length === 0,
    adjustmentErrors: err('adjustments'),
    overspendExplanation: pick('overspendExplanation', report?.overspendExplanation),
    overspendErrors: err('overspendExplanation'),
    showOverspend: editable || !!report?.overspendExplanation,
    formErrors: err('form'),
    indicators: sheet.indicators.map((i) => {
      const v = saved.get(i.id);
      return {
        id: i.id,
        level1: i.level1,
        level2: i.level2,
        name: i.name,
        target: i.targetRaw,
        unit: i.targetKind === 'quantitative' ? (i.targetUnit ?? '') : '',
        qualitative: i.targetKind === 'qualitative',
        value: pick(`value_${i.id}`, v?.valueRaw),
        grade: pick(`grade_${i.id}`, v?.grade),
        likelihood: pick(`likelihood_${i.id}`, v?.likelihood),
        causeCategory: pick(`cause_${i.id}`, v?.causeCategory),
        causeText: pick(`causeText_${i.id}`, v?.causeText),
        errors: err(i.id),
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
    canUpload: editable,
    // evidence is only added (audited, no value changes): after submission too, until the year end is approved
    canAddEvidence:
      editable || (inForce && can(role, 'actuals.write') && !!report && src.evidenceWindow === 'supplement'),
    supplementEvidence: !editable && src.evidenceWindow === 'supplement',
    upload: src.upload ?? null,
    uploadEvidenceIndicator: src.upload?.kind === 'evidence' ? src.upload.indicatorId : '',
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
    ...(report?.adjustments ?? []).flatMap((a, k) => [
      { label: `预算调整 ${k + 1} 金额`, name: `adjAmount_${k}`, stored: a.amount },
      { label: `预算调整 ${k + 1} 原因`, name: `adjReason_${k}`, stored: a.reason },
    ]),
    { label: '超预算说明', name: 'overspendExplanation', stored: report?.overspendExplanation },
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
