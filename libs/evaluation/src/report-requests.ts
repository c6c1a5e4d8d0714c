import { DomainError, reportKindsFor } from '@selfeval/domain';
import { JobProducer, requestRender } from '@selfeval/jobs';
import type { EvaluationService } from './evaluation.service';

/**
 * The year-end documents of a sheet at its current scores, rendered by the worker and mailed to
 * the unit: the 自评表, and for a department sheet also the 自评报告. Refused while scores are not
 * current. With waitMs, waits for each render (the pages); otherwise returns the queued job ids.
 */
export async function requestEvaluationReports(
  evaluations: EvaluationService,
  jobs: JobProducer,
  sheetId: string,
  waitMs?: number,
) {
  const ev = await evaluations.get(sheetId);
  if (!ev.current)
    throw new DomainError(
      'WORKFLOW_STATE',
      ev.scoreState === 'failed'
        ? `自评打分失败，不能生成报告：${ev.scoreError}`
        : '自评得分正在计算，请稍后再生成报告',
      { field: 'scoreState' },
    );
  const queued = [];
  for (const kind of reportKindsFor(ev.sheetKind)) {
    const { jobId } = await requestRender(
      jobs,
      { kind, subjectId: ev.id, dataVersion: ev.dataVersion, mail: true },
      waitMs,
    );
    queued.push({ kind, jobId });
  }
  return { dataVersion: ev.dataVersion, jobs: queued };
}
