import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActualsModule, QuarterReportsService } from '@selfeval/actuals';
import { CLOCK, Clock } from '@selfeval/db';
import { JobProducer, mailReportEnqueuer, scoreEnqueuer } from '@selfeval/jobs';
import { EvaluationService } from './evaluation.service';
import { QuarterSubmission } from './quarter-submission';
import { ReportDeliveryService } from './report-delivery.service';
import { ScoringHandlers } from './scoring.handlers';
import { TodoService } from './todo.service';

@Module({
  imports: [ActualsModule],
  providers: [
    {
      provide: EvaluationService,
      inject: [DataSource, JobProducer, CLOCK],
      useFactory: (ds: DataSource, jobs: JobProducer, clock: Clock) =>
        new EvaluationService(ds, scoreEnqueuer(jobs), clock),
    },
    {
      provide: QuarterSubmission,
      inject: [QuarterReportsService, EvaluationService],
      useFactory: (reports: QuarterReportsService, evaluations: EvaluationService) =>
        new QuarterSubmission(reports, evaluations),
    },
    {
      provide: TodoService,
      inject: [DataSource, JobProducer, CLOCK],
      useFactory: (ds: DataSource, jobs: JobProducer, clock: Clock) => new TodoService(ds, jobs, clock),
    },
    {
      provide: ReportDeliveryService,
      inject: [DataSource, JobProducer, CLOCK],
      useFactory: (ds: DataSource, jobs: JobProducer, clock: Clock) =>
        new ReportDeliveryService(ds, mailReportEnqueuer(jobs), clock),
    },
    ScoringHandlers,
  ],
  exports: [EvaluationService, QuarterSubmission, TodoService, ReportDeliveryService],
})
export class EvaluationModule {}
