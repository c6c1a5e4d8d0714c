import { DomainError } from '@selfeval/domain';
import { JobProducer, requestRender } from '@selfeval/jobs';
import type { QuarterReportsService } from './quarter-reports.service';

/**
 * Renders the 绩效运行监控表 of a submitted quarter (a worker job, once per data version). With waitMs, waits
 * for the render (the pages); otherwise returns the queued job id (the API).
 */
export async function requestMonitoringTable(
  reports: QuarterReportsService,
  jobs: JobProducer,
  sheetId: string,
  period: string,
  mail: boolean,
  waitMs?: number,
) {
  const report = await reports.getReport(sheetId, period);
  if (!report) throw new DomainError('NOT_FOUND', '该报告期还没有填报内容', { field: 'period' });
  if (report.status === 'draft')
    throw new DomainError('WORKFLOW_STATE', '报告尚未提交，不能生成监控表', { field: 'status' });
  const { jobId } = await requestRender(
    jobs,
    {
      kind: 'monitoring-table',
      subjectId: report.id,
      dataVersion: report.dataVersion,
      mail,
    },
    waitMs,
  );
  return { jobId, dataVersion: report.dataVersion };
}
