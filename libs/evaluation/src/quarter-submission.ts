import type { QuarterReportsService } from '@selfeval/actuals';
import type { QuarterReportInput } from '@selfeval/domain';
import type { EvaluationService } from './evaluation.service';

/**
 * Submitting a quarter report: the year-end (Q4) report's data are the self-evaluation's inputs, so
 * its submission also starts scoring. The API, the pages and the CLI submit through here.
 */
export class QuarterSubmission {
  constructor(
    private readonly reports: QuarterReportsService,
    private readonly evaluations: EvaluationService,
  ) {}

  async submit(sheetId: string, period: string, actor: string) {
    const report = await this.reports.submit(sheetId, period, actor);
    if (report.period === 'Q4') await this.evaluations.requestScoring(sheetId, actor);
    return report;
  }

  /** The quarterly form's 提交: what was typed is saved and submitted in one transaction, or neither. */
  async saveAndSubmit(sheetId: string, period: string, input: QuarterReportInput, actor: string, version?: number) {
    const saved = await this.reports.saveAndSubmit(sheetId, period, input, actor, version);
    if (saved.report.period === 'Q4') await this.evaluations.requestScoring(sheetId, actor);
    return saved;
  }
}
