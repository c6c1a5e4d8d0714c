import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Job, jobId, JobProducer } from '@selfeval/jobs';
import { EvaluationService } from './evaluation.service';
import { ScoringHandlers } from './scoring.handlers';

@Module({
  providers: [
    {
      provide: EvaluationService,
      inject: [DataSource, JobProducer],
      useFactory: (ds: DataSource, jobs: JobProducer) =>
        new EvaluationService(ds, (evaluationId, dataVersion) =>
          jobs.enqueue(
            Job.ScoreSheet,
            { evaluationId, dataVersion },
            { jobId: jobId(Job.ScoreSheet, evaluationId, `v${dataVersion}`) },
          ),
        ),
    },
    ScoringHandlers,
  ],
  exports: [EvaluationService],
})
export class EvaluationModule {}
