import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { HandlesJob, Job, JobPayload, JobProducer, jobId, JobResult, QUEUE_OF } from '@selfeval/jobs';
import { EvaluationService } from './evaluation.service';

@Injectable()
export class ScoringHandlers {
  constructor(
    private readonly evaluations: EvaluationService,
    private readonly jobs: JobProducer,
  ) {}

  @HandlesJob(Job.ScoreSheet)
  async scoreSheet(data: JobPayload[Job.ScoreSheet]): Promise<JobResult[Job.ScoreSheet]> {
    if (typeof data?.evaluationId !== 'string' || !Number.isInteger(data?.dataVersion))
      throw new UnrecoverableError(`malformed payload: ${JSON.stringify(data)}`);
    return this.evaluations.score(data.evaluationId, data.dataVersion);
  }

  @HandlesJob(Job.RecomputeAll)
  async recomputeAll({ profileId }: JobPayload[Job.RecomputeAll]): Promise<JobResult[Job.RecomputeAll]> {
    const stale = await this.evaluations.markProfileStale(profileId);
    const queue = this.jobs.queue(QUEUE_OF[Job.ScoreSheet]);
    for (let i = 0; i < stale.length; i += 1000) {
      await queue.addBulk(
        stale.slice(i, i + 1000).map((e) => ({
          name: Job.ScoreSheet,
          data: { evaluationId: e.id, dataVersion: e.dataVersion },
          opts: { jobId: jobId(Job.ScoreSheet, e.id, `v${e.dataVersion}`) },
        })),
      );
    }
    return { enqueued: stale.length };
  }
}
