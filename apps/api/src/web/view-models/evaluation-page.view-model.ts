import {
  ADDABLE_LEVELS,
  can,
  CAUSE_CATEGORIES,
  D,
  DomainError,
  PROFILES,
  profileLabel,
  Role,
  round2,
  sheetLabel,
  formatDateTime,
  officialSigns,
  withUnit,
} from '@selfeval/domain';
import type { IndicatorEntity, TargetSheetEntity, UnitEntity } from '@selfeval/db';
import type { QuarterReportsService } from '@selfeval/actuals';
import type { EvaluationService, ReportDeliveryOverview, ReportDocumentView } from '@selfeval/evaluation';
import type { Form } from './quarter-page.view-model';
import { formVersion, staleFields } from './stale-save';

/** '10.0000' and '10' are the same weight; text that is not a number stays as typed (the service rejects it). */
export function normalizeNumber(v: string | null | undefined): string | null {
  if (v === null || v === undefined || v.trim() === '') return null;
  return /^-?\d+(\.\d+)?$/.test(v.trim()) ? new D(v.trim()).toFixed() : v.trim();
}

export interface EvaluationPageSource {
  sheet: TargetSheetEntity & { unit?: UnitEntity; indicators: IndicatorEntity[] };
  ev: Awaited<ReturnType<EvaluationService['get']>> | null;
  /** the generated documents, their formats and delivery states (ReportDeliveryService.overview) */
  reports: ReportDeliveryOverview | null;
  /** a fresh id for the resend form: a double click posts it twice and sends once */
  resendNonce?: string;
  /** why the last resend was refused, beside its button */
  resendError?: string;
  q4: Awaited<ReturnType<QuarterReportsService['getReport']>>;
  role: Role;
  saved?: string;
  /** what was posted (the unit's form or the review form), shown again after a stale save: nothing typed is lost */
  form?: Form;
  stale?: boolean;
  /** which form was stale: its "keep mine" button posts that form again */
  staleForm?: 'evaluation-form' | 'review-form';
  /** the reopen form was posted without a reason: the message beside its field */
  reopenError?: string;
  /** messages beside the fields (page field name → message) and the form's own message above it */
  errors?: Record<string, string>;
  formError?: string;
  /** 采用草稿 pressed without JS: the box of this indicator (or 'execution') filled with its draft */
  adopt?: string;
  /** the add-indicator form as posted, with the message beside each field it names (HTTP 422) */
  addIndicator?: { form: Form; errors: { field: string; message: string }[]; message: string };
}

/**
 * A DomainError's messages keyed by the page's field names (explanation_<id>, weight_<id>, review_<id>,
 * executionExplanation, reason); what names no field of the page is the form's message above it.
 */
export function evaluationFieldErrors(e: DomainError): { errors: Record<string, string>; formError?: string } {
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  const names: [RegExp, string][] = [
    [/^explanations\[([^\]]+)\]/, 'explanation_'],
    [/^weights\[([^\]]+)\]/, 'weight_'],
    [/^scores\[([^\]]+)\]/, 'review_'],
  ];
  for (const d of e.details.length ? e.details : [{ field: e.where.field ?? '', message: e.userMessage }]) {
    const hit = names.map(([re, prefix]) => [re.exec(d.field), prefix] as const).find(([m]) => m);
    const key = hit?.[0]
      ? `${hit[1]}${hit[0][1]}`
      : ['executionExplanation', 'reason'].includes(d.field)
        ? d.field
        : null;
    if (key) errors[key] = errors[key] ? `${errors[key]}；${d.message}` : d.message;
    else rest.push(d.message);
  }
  // fields named: the whole message above the form as well (which items), each part beside its field
  const formError = rest.length ? rest.join('；') : Object.keys(errors).length ? e.userMessage : undefined;
  return { errors, formError };
}

const LEVEL_CHOICES = Object.entries(ADDABLE_LEVELS).flatMap(([l1, l2s]) => l2s.map((l2) => `${l1}/${l2}`));

/**
 * The year-end add-indicator form of a department sheet (partials/add-indicator.hbs): shown to the unit
 * while the sheet is not graded for want of 产出/效益 indicators, or when its last post was refused.
 */
function addIndicatorVM(
  sheet: EvaluationPageSource['sheet'],
  ev: EvaluationPageSource['ev'],
  unitEditable: boolean,
  posted: EvaluationPageSource['addIndicator'],
) {
  if (sheet.kind !== 'department' || !unitEditable || (!ev?.ungraded && !posted)) return null;
  const typed = posted?.form ?? {};
  const errorOf = (...fields: string[]) => posted?.errors.find((e) => fields.includes(e.field))?.message ?? '';
  const text = (name: string, label: string, placeholder: string) => ({
    name,
    label,
    placeholder,
    value: typed[name] ?? '',
    error: errorOf(name),
    options: null,
  });
  const levels = typed.levels ?? LEVEL_CHOICES[0];
  return {
    ungraded: ev?.ungraded ?? null,
    // a refusal the fields do not name (a closed evaluation, a duplicate) is shown above the form
    error: posted && !posted.errors.length ? posted.message : '',
    fields: [
      {
        name: 'levels',
        label: '一级 / 二级指标',
        placeholder: '',
        value: levels,
        error: errorOf('level1', 'level2'),
        options: LEVEL_CHOICES.map((value) => ({ value, selected: value === levels })),
      },
      text('name', '三级指标名称', '如：解决特殊疑难信访问题'),
      text('target', '年度指标值', '如：≥25次、100%、有效提升'),
      text('actual', '实际完成值', '如：28次、98%、达成'),
      text('weight', '分值（可留空，按评分方案均分）', ''),
    ],
  };
}

/** The year-end self-evaluation page: scores with their explanations, reviewer scores, what the role may do. */
export function buildEvaluationPageVM({
  sheet,
  ev,
  reports,
  resendNonce = '',
  resendError,
  q4,
  role,
  saved,
  form,
  stale,
  staleForm = 'evaluation-form',
  reopenError,
  errors = {},
  formError,
  adopt,
  addIndicator,
}: EvaluationPageSource) {
  const unitEditable = can(role, 'evaluation.write') && !!ev && (ev.status === 'draft' || ev.status === 'returned');
  const actualOf = new Map((q4?.values ?? []).map((v) => [v.indicatorId, v.valueRaw ?? v.grade ?? '']));
  // the 原因类别 chosen in the Q4 report is the year end's default until the unit chooses one here
  const q4CauseOf = new Map((q4?.values ?? []).map((v) => [v.indicatorId, v.causeCategory ?? '']));
  const result = ev?.result ?? null;
  const rows = new Map((ev?.indicators ?? []).map((r) => [r.indicatorId, r]));
  const name = new Map(sheet.indicators.map((i) => [i.id, i.name]));
  /** the typed value after a stale save, else the stored one */
  const pick = (key: string, stored: string) => form?.[key] ?? stored;
  const storedFields = [
    { label: '实际完成情况', name: 'goalActual', stored: ev?.goalActual },
    { label: '预算执行率偏差原因', name: 'executionExplanation', stored: ev?.executionExplanation },
    ...(ev?.indicators ?? []).flatMap((r) => [
      {
        label: `“${name.get(r.indicatorId)}”分值`,
        name: `weight_${r.indicatorId}`,
        stored: normalizeNumber(r.unitWeight),
      },
      {
        label: `“${name.get(r.indicatorId)}”偏差说明`,
        name: `explanation_${r.indicatorId}`,
        stored: r.explanationText,
      },
      { label: `“${name.get(r.indicatorId)}”原因类别`, name: `cause_${r.indicatorId}`, stored: r.causeCategory },
      {
        label: `“${name.get(r.indicatorId)}”评审得分`,
        name: `review_${r.indicatorId}`,
        stored: normalizeNumber(r.reviewerScore),
      },
      { label: `“${name.get(r.indicatorId)}”评审意见`, name: `comment_${r.indicatorId}`, stored: r.reviewerComment },
    ]),
  ];
  return {
    version: formVersion(ev?.dataVersion ?? 0, form, !!stale),
    stale: stale && form ? staleFields(form, storedFields) : null,
    formId: staleForm,
    discardHref: `/sheets/${sheet.id}/evaluation`,
    sheet: {
      id: sheet.id,
      name: sheetLabel(sheet),
      year: sheet.year,
      unit: sheet.unit?.name,
    },
    ev: ev
      ? {
          status: ev.status,
          // an ungraded sheet (部门整体 without 产出/效益 indicators) says so where the total would be
          total: ev.total ?? (ev.ungraded ? '—' : null),
          grade: ev.grade ?? ev.ungraded,
          ungraded: ev.ungraded,
          reviewedTotal: ev.reviewedTotal,
          reviewedGrade: ev.reviewedGrade,
          current: ev.current,
          scoreState: ev.scoreState,
          // the scoring job writes "field：message" lines; users read the messages, not the field paths
          scoreError: ev.scoreError
            ?.split('\n')
            .map((l) => l.replace(/^[\x21-\x7e]+：/, ''))
            .join('\n'),
          returnReason: ev.returnReason,
          goalActual: pick('goalActual', ev.goalActual ?? ''),
          dataVersion: ev.dataVersion,
        }
      : null,
    execution: result?.execution
      ? {
          rate: new D(result.execution.rate).toFixed(2),
          weight: round2(new D(result.execution.weight)),
          score: round2(new D(result.execution.score)),
          formula: result.execution.explanation.formula,
          needsExplanation: result.execution.needsExplanation || !!ev?.executionExplanation,
          missing: result.execution.explanationMissing,
          draft: result.execution.draft ?? '',
          explanation:
            adopt === 'execution' && result.execution.draft
              ? result.execution.draft
              : pick('executionExplanation', ev?.executionExplanation ?? ''),
          error: errors.executionExplanation ?? null,
        }
      : null,
    errors,
    formError: formError ?? null,
    indicators: (result?.indicators ?? []).map((s) => {
      const ind = sheet.indicators[s.index];
      const r = rows.get(ind.id);
      return {
        id: ind.id,
        name: ind.name,
        level1: ind.level1,
        target: officialSigns(ind.targetRaw),
        actual: officialSigns(withUnit(actualOf.get(ind.id) ?? '', { kind: ind.targetKind, unit: ind.targetUnit })),
        unitWeight: pick(`weight_${ind.id}`, normalizeNumber(r?.unitWeight ?? null) ?? ''),
        weight: round2(new D(s.weight)),
        score: round2(new D(s.score)),
        completionRate: s.completionRate,
        formula: s.explanation.formula,
        adjustments: s.explanation.adjustments.join('；'),
        needsExplanation: s.needsExplanation,
        missing: s.explanationMissing,
        explanation:
          adopt === ind.id && (r?.draft ?? s.draft)
            ? (r?.draft ?? s.draft ?? '')
            : pick(`explanation_${ind.id}`, r?.explanationText ?? ''),
        draft: r?.draft ?? s.draft ?? '',
        causeCategory: pick(`cause_${ind.id}`, r?.causeCategory ?? q4CauseOf.get(ind.id) ?? ''),
        explanationError: errors[`explanation_${ind.id}`] ?? null,
        weightError: errors[`weight_${ind.id}`] ?? null,
        reviewError: errors[`review_${ind.id}`] ?? null,
        reviewerScore: pick(`review_${ind.id}`, normalizeNumber(r?.reviewerScore ?? null) ?? ''),
        reviewerComment: pick(`comment_${ind.id}`, r?.reviewerComment ?? ''),
        reviewer: r?.reviewer ?? '',
      };
    }),
    unitEditable,
    addIndicator: addIndicatorVM(sheet, ev, unitEditable, addIndicator),
    canSubmit: can(role, 'evaluation.submit') && !!ev && (ev.status === 'draft' || ev.status === 'returned'),
    canReview: can(role, 'evaluation.review') && ev?.status === 'submitted',
    canReport: can(role, 'reports.generate') && !!ev?.current,
    reports: reportAreaVM(sheet.id, reports, {
      canGenerate: can(role, 'reports.generate') && !!ev?.current,
      canResend: can(role, 'reports.generate'),
      nonce: resendNonce,
      error: resendError ?? null,
    }),
    reviewReason: form?.reason ?? '',
    reasonError: errors.reason ?? null,
    causes: CAUSE_CATEGORIES,
    flags: result?.flags ?? [],
    canProfile: can(role, 'evaluation.review') && !!ev && ev.status !== 'approved',
    // approved is final: reopening (with a reason) is the evaluator's explicit, audited way back
    canReopen: can(role, 'evaluation.review') && ev?.status === 'approved',
    reopenError: reopenError ?? null,
    profiles: PROFILES.map((p) => ({
      id: p.id,
      label: profileLabel(p),
      current: p.id === ev?.profileId,
    })),
    profileLabel: profileLabel(PROFILES.find((p) => p.id === ev?.profileId) ?? { name: '', region: '' }),
    savedMessage: savedMessage(saved, !!ev?.current, !!reports?.allCurrent),
  };
}

/** What a delivery state says on the page: 已发送（收件人，时间）, 发送失败（原因）, 发送中 with a failed attempt's reason. */
export function deliveryText(d: ReportDocumentView['delivery']): { label: string; detail: string; status: string } {
  if (!d) return { label: '未发送', detail: '生成时未要求发送邮件', status: 'none' };
  switch (d.status) {
    case 'sent':
      return {
        label: d.label,
        detail: `（${[d.recipient, formatDateTime(d.finishedAt)].filter(Boolean).join('，')}）`,
        status: d.status,
      };
    case 'failed':
      return { label: d.label, detail: `（${d.error ?? '原因未记录'}）`, status: d.status };
    case 'sending':
      return {
        label: d.label,
        detail: d.error ? `（上次尝试失败：${d.error}；系统将自动重试）` : d.recipient ? `（发往 ${d.recipient}）` : '',
        status: d.status,
      };
    default:
      return { label: d.label, detail: d.recipient ? `（将发往 ${d.recipient}）` : '', status: d.status };
  }
}

/**
 * The report area of the year-end page: each generated document with its generation time (never a data
 * version), a download link per format, and its mail delivery; generate (when the files are not the
 * current data's) and resend (when nothing is on its way), and where to fix a missing address.
 */
export function reportAreaVM(
  sheetId: string,
  reports: ReportDeliveryOverview | null,
  opts: { canGenerate: boolean; canResend: boolean; nonce: string; error: string | null },
) {
  const documents = (reports?.documents ?? []).map((d) => ({
    kind: d.kind,
    title: d.title,
    createdAt: formatDateTime(d.createdAt),
    current: d.current,
    formats: d.formats.map((f) => ({
      id: `download-${d.kind}-${f.format}`,
      label: f.label,
      fileName: f.fileName,
      href: `/api/evaluations/${sheetId}/report.${f.format}?kind=${d.kind}`,
    })),
    delivery: deliveryText(d.delivery),
  }));
  const noEmail = !!reports && !reports.unit.contactEmail;
  const failedForNoEmail = (reports?.documents ?? []).some((d) => d.delivery?.status === 'failed') && noEmail;
  return {
    documents,
    unitName: reports?.unit.name ?? '',
    contactEmail: reports?.unit.contactEmail ?? null,
    noEmail,
    failedForNoEmail,
    profileHref: reports ? `/units/${reports.unit.id}/profile#contactEmail` : '',
    canGenerate: opts.canGenerate && !reports?.allCurrent,
    // something to send, nothing on its way: a resend now cannot cross a mailing still in flight
    canResend: opts.canResend && documents.length > 0 && !reports?.inFlight,
    inFlight: !!reports?.inFlight,
    nonce: opts.nonce,
    error: opts.error,
  };
}

/** The banner after a write: true to what happened (a report is "generated" only when its file is there). */
function savedMessage(saved: string | undefined, current: boolean, reportCurrent: boolean): string | null {
  switch (saved) {
    case undefined:
    case '':
      return null;
    case 'submitted':
      return '自评已保存并提交评审。';
    case 'reopened':
      return '自评已重新打开，已退回单位修改后重新提交。';
    case 'approve':
      return '已审核通过。';
    case 'return':
      return '已退回单位修改。';
    case 'reviewed':
      return '评审得分已保存。';
    case 'report':
      return reportCurrent ? '报告已生成，可在下方下载；邮件发送情况见下方。' : '报告正在生成，请稍后刷新本页。';
    case 'resent':
      return '已重新发送报告，发送情况见下方。';
    case 'resent-repeat':
      return '这次重新发送已经提交过，没有重复发送；发送情况见下方。';
    case 'indicator':
      return current ? '指标已补充，已重新打分。' : '指标已补充，正在重新打分，请稍后刷新。';
    case 'profile':
      return current ? '评分方案已更换，已重新打分。' : '评分方案已更换，正在重新打分。';
    default:
      return current ? '已保存。' : '已保存，得分正在重新计算，请稍后刷新。';
  }
}
