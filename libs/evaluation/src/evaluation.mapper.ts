import type { IndicatorScoreEntity, SelfEvaluationEntity, SheetKind } from '@selfeval/db';
import type { SheetScore } from '@selfeval/domain';

/** What GET /api/evaluations/:sheetId and the pages get: the stored evaluation and what is derived from it. */
export interface EvaluationResponse {
  id: string;
  sheetId: string;
  unitId: string;
  profileId: string;
  profileVersion: number;
  dataVersion: number;
  scoredVersion: number | null;
  scoreState: SelfEvaluationEntity['scoreState'];
  scoreError: string | null;
  total: string | null;
  totalExact: string | null;
  grade: string | null;
  result: SheetScore | null;
  executionExplanation: string | null;
  scoredAt: Date | null;
  goalActual: string | null;
  reportTexts: Record<string, string> | null;
  status: SelfEvaluationEntity['status'];
  submittedBy: string | null;
  submittedAt: Date | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  returnReason: string | null;
  sheetKind: SheetKind;
  indicators: IndicatorScoreEntity[];
  /** the total with reviewer scores final, when a reviewer scored anything */
  reviewedTotal: string | null;
  reviewedGrade: string | null;
  /** scores computed from the data as it is now */
  current: boolean;
  /** why a scored sheet has no total and grade ("未评分：缺少产出、效益指标，补充后评分"), else null */
  ungraded: string | null;
}

export function toEvaluationResponse(
  ev: SelfEvaluationEntity,
  derived: Pick<
    EvaluationResponse,
    'sheetKind' | 'indicators' | 'reviewedTotal' | 'reviewedGrade' | 'current' | 'ungraded'
  >,
): EvaluationResponse {
  return {
    id: ev.id,
    sheetId: ev.sheetId,
    unitId: ev.unitId,
    profileId: ev.profileId,
    profileVersion: ev.profileVersion,
    dataVersion: ev.dataVersion,
    scoredVersion: ev.scoredVersion,
    scoreState: ev.scoreState,
    scoreError: ev.scoreError,
    total: ev.total,
    totalExact: ev.totalExact,
    grade: ev.grade,
    result: ev.result,
    executionExplanation: ev.executionExplanation,
    scoredAt: ev.scoredAt,
    goalActual: ev.goalActual,
    reportTexts: ev.reportTexts,
    status: ev.status,
    submittedBy: ev.submittedBy,
    submittedAt: ev.submittedAt,
    decidedBy: ev.decidedBy,
    decidedAt: ev.decidedAt,
    returnReason: ev.returnReason,
    ...derived,
  };
}
