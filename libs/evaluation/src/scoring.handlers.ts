import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { HandlesJob, Job, JobPayload, JobProducer, JobResult, scoreJobId } from '@selfeval/jobs';
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
    await this.jobs.enqueueBulk(
      Job.ScoreSheet,
      stale.map((e) => ({
        data: { evaluationId: e.id, dataVersion: e.dataVersion },
        jobId: scoreJobId(e.id, e.dataVersion),
      })),
    );
    return { enqueued: stale.length };
  }
}
