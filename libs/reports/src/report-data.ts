import type { DataSource } from 'typeorm';
import {
  IndicatorEntity, IndicatorScoreEntity, IndicatorValueEntity, QuarterReportEntity, SelfEvaluationEntity, TargetSheetEntity, UnitEntity,
} from '@selfeval/db';
import type { SheetScore } from '@selfeval/domain';
import type { SelfEvalSource } from './view-models/project-self-eval';

/** Everything the 自评表 shows, read from the database for one scored evaluation. */
export async function loadSelfEvalSource(ds: DataSource, evaluation: SelfEvaluationEntity): Promise<SelfEvalSource> {
  const sheet = await ds.getRepository(TargetSheetEntity).findOneByOrFail({ id: evaluation.sheetId });
  const unit = await ds.getRepository(UnitEntity).findOneByOrFail({ id: sheet.unitId });
  const indicators = await ds.getRepository(IndicatorEntity).find({ where: { sheetId: sheet.id }, order: { position: 'ASC' } });
  const q4 = await ds.getRepository(QuarterReportEntity).findOneBy({ sheetId: sheet.id, period: 'Q4' });
  const values = q4 ? new Map((await ds.getRepository(IndicatorValueEntity).findBy({ reportId: q4.id })).map((v) => [v.indicatorId, v])) : new Map();
  const rows = new Map((await ds.getRepository(IndicatorScoreEntity).findBy({ evaluationId: evaluation.id })).map((r) => [r.indicatorId, r]));
  const reviewerScores = new Map<number, string>();
  indicators.forEach((ind, i) => {
    const r = rows.get(ind.id)?.reviewerScore;
    if (r !== null && r !== undefined) reviewerScores.set(i, r);
  });
  return {
    year: sheet.year,
    unitName: unit.name,
    parentName: unit.parentName ?? (sheet.attributes['主管部门'] || null),
    projectName: sheet.kind === 'department' ? `${unit.name}部门整体支出` : sheet.name,
    projectCode: sheet.projectCode,
    budget: { initial: sheet.budgetTotal ?? '0', adjusted: q4?.adjustedBudget ?? sheet.budgetTotal ?? '0', spent: q4?.spentTotal ?? '0' },
    goal: sheet.goal,
    goalActual: null,
    indicators: indicators.map((ind) => {
      const v = values.get(ind.id);
      return {
        level1: ind.level1, level2: ind.level2, name: ind.name, targetRaw: ind.targetRaw,
        actualRaw: v?.valueRaw ?? v?.grade ?? null, explanation: rows.get(ind.id)?.explanationText ?? null,
      };
    }),
    score: evaluation.result as unknown as SheetScore,
    reviewerScores,
  };
}
