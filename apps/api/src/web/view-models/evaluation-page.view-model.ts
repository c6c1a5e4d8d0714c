import { can, CAUSE_CATEGORIES, D, PROFILES, Role, round2, sheetLabel } from '@selfeval/domain';
import type { IndicatorEntity, ReportFileEntity, TargetSheetEntity, UnitEntity } from '@selfeval/db';
import type { QuarterReportsService } from '@selfeval/actuals';
import type { EvaluationService } from '@selfeval/evaluation';
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
  report: ReportFileEntity | null;
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
}

/** The year-end self-evaluation page: scores with their explanations, reviewer scores, what the role may do. */
export function buildEvaluationPageVM({
  sheet,
  ev,
  report,
  q4,
  role,
  saved,
  form,
  stale,
  staleForm = 'evaluation-form',
  reopenError,
}: EvaluationPageSource) {
  const actualOf = new Map((q4?.values ?? []).map((v) => [v.indicatorId, v.valueRaw ?? v.grade ?? '']));
  const result = ev?.result ?? null;
  const rows = new Map((ev?.indicators ?? []).map((r) => [r.indicatorId, r]));
  const name = new Map(sheet.indicators.map((i) => [i.id, i.name]));
  /** the typed value after a stale save, else the stored one */
  const pick = (key: string, stored: string) => form?.[key] ?? stored;
  const storedFields = [
    { label: '实际完成情况', name: 'goalActual', stored: ev?.goalActual },
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
          total: ev.total,
          grade: ev.grade,
          reviewedTotal: ev.reviewedTotal,
          reviewedGrade: ev.reviewedGrade,
          current: ev.current,
          scoreState: ev.scoreState,
          scoreError: ev.scoreError,
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
          draft: result.execution.draft,
        }
      : null,
    indicators: (result?.indicators ?? []).map((s) => {
      const ind = sheet.indicators[s.index];
      const r = rows.get(ind.id);
      return {
        id: ind.id,
        name: ind.name,
        level1: ind.level1,
        target: ind.targetRaw,
        actual: actualOf.get(ind.id) ?? '',
        unitWeight: pick(`weight_${ind.id}`, normalizeNumber(r?.unitWeight ?? null) ?? ''),
        weight: round2(new D(s.weight)),
        score: round2(new D(s.score)),
        completionRate: s.completionRate,
        formula: s.explanation.formula,
        adjustments: s.explanation.adjustments.join('；'),
        needsExplanation: s.needsExplanation,
        missing: s.explanationMissing,
        explanation: pick(`explanation_${ind.id}`, r?.explanationText ?? ''),
        draft: r?.draft ?? s.draft ?? '',
        causeCategory: pick(`cause_${ind.id}`, r?.causeCategory ?? ''),
        reviewerScore: pick(`review_${ind.id}`, normalizeNumber(r?.reviewerScore ?? null) ?? ''),
        reviewerComment: pick(`comment_${ind.id}`, r?.reviewerComment ?? ''),
        reviewer: r?.reviewer ?? '',
      };
    }),
    unitEditable: can(role, 'evaluation.write') && !!ev && (ev.status === 'draft' || ev.status === 'returned'),
    canSubmit: can(role, 'evaluation.submit') && !!ev && (ev.status === 'draft' || ev.status === 'returned'),
    canReview: can(role, 'evaluation.review') && ev?.status === 'submitted',
    canReport: can(role, 'reports.generate') && !!ev?.current,
    report: report ? { version: report.dataVersion, name: report.fileName } : null,
    causes: CAUSE_CATEGORIES,
    flags: result?.flags ?? [],
    canProfile: can(role, 'evaluation.review') && !!ev && ev.status !== 'approved',
    // approved is final: reopening (with a reason) is the evaluator's explicit, audited way back
    canReopen: can(role, 'evaluation.review') && ev?.status === 'approved',
    reopenError: reopenError ?? null,
    profiles: PROFILES.map((p) => ({
      id: p.id,
      label: `${p.name}（${p.id} 第 ${p.version} 版）`,
      current: p.id === ev?.profileId,
    })),
    saved,
  };
}
