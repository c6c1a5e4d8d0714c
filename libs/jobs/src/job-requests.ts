import type { ReportKind } from '@selfeval/domain';
import { Job, jobId } from './job-registry';
import type { JobProducer } from './job-producer.service';

/*
 * Every job a workflow asks for, with its payload and its job id built in one place: the id makes a
 * repeated request for the same data version a no-op, so it must never be spelled two ways.
 */

export type MonitoringEnqueuer = (reportId: string, dataVersion: number) => Promise<unknown>;
export type ScoreEnqueuer = (evaluationId: string, dataVersion: number) => Promise<unknown>;

export function monitoringEnqueuer(jobs: JobProducer): MonitoringEnqueuer {
  return (reportId, dataVersion) =>
    jobs.enqueue(
      Job.ComputeMonitoring,
      { reportId, dataVersion },
      { jobId: jobId(Job.ComputeMonitoring, reportId, `v${dataVersion}`) },
    );
}

export const scoreJobId = (evaluationId: string, dataVersion: number) =>
  jobId(Job.ScoreSheet, evaluationId, `v${dataVersion}`);

export function scoreEnqueuer(jobs: JobProducer): ScoreEnqueuer {
  return (evaluationId, dataVersion) =>
    jobs.enqueue(Job.ScoreSheet, { evaluationId, dataVersion }, { jobId: scoreJobId(evaluationId, dataVersion) });
}

export interface RenderRequest {
  kind: ReportKind;
  /** the evaluation or quarter report rendered */
  subjectId: string;
  dataVersion: number;
  mail: boolean;
}

export const renderJobId = (r: Pick<RenderRequest, 'kind' | 'subjectId' | 'dataVersion'>) =>
  jobId(Job.RenderReport, r.kind, r.subjectId, `v${r.dataVersion}`);

/** Queues one render; with waitMs, waits for the worker's result (pages, CLI). */
export async function requestRender(jobs: JobProducer, r: RenderRequest, waitMs?: number) {
  const data = { kind: r.kind, subjectId: r.subjectId, dataVersion: r.dataVersion, mail: r.mail };
  const opts = { jobId: renderJobId(r) };
  if (waitMs === undefined) {
    const job = await jobs.enqueue(Job.RenderReport, data, opts);
    return { jobId: job.id ?? opts.jobId, result: undefined };
  }
  const result = await jobs.enqueueAndWait(Job.RenderReport, data, waitMs, opts);
  return { jobId: opts.jobId, result };
}

export type MailReportEnqueuer = (reportFileId: string, deliveryId: string) => Promise<unknown>;

/** A mailing of a rendered report that someone asked for (a resend): one job per delivery row. */
export function mailReportEnqueuer(jobs: JobProducer): MailReportEnqueuer {
  return (reportFileId, deliveryId) =>
    jobs.enqueue(
      Job.MailReport,
      { reportFileId, deliveryId },
      { jobId: jobId(Job.MailReport, reportFileId, deliveryId) },
    );
}
