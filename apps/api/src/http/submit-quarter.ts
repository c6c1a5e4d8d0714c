import type { ActualsService } from '@selfeval/actuals';
import type { EvaluationService } from '@selfeval/evaluation';

/** Submitting a quarter; the year-end (Q4) report also starts the self-evaluation's scoring. Used by the API and the pages. */
export async function submitQuarter(
  actuals: ActualsService,
  evaluations: EvaluationService,
  sheetId: string,
  period: string,
  actor: string,
) {
  const report = await actuals.submit(sheetId, period, actor);
  if (report.period === 'Q4') await evaluations.requestScoring(sheetId);
  return report;
}
