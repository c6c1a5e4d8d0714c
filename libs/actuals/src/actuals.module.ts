import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock, ContentStore, EVIDENCE_STORE } from '@selfeval/db';
import { JobProducer, monitoringEnqueuer } from '@selfeval/jobs';
import { ActualsQueries } from './actuals-queries.service';
import { EvidenceService } from './evidence.service';
import { MonitoringHandlers } from './monitoring.handlers';
import { MonitoringService } from './monitoring.service';
import { PeriodsService } from './periods.service';
import { QuarterReportsService } from './quarter-reports.service';

/** Quarterly reporting: one service per job, every dependency required and injected here. */
@Module({
  providers: [
    {
      provide: PeriodsService,
      inject: [DataSource, CLOCK],
      useFactory: (ds: DataSource, clock: Clock) => new PeriodsService(ds, clock),
    },
    {
      provide: QuarterReportsService,
      inject: [DataSource, PeriodsService, JobProducer, CLOCK],
      useFactory: (ds: DataSource, periods: PeriodsService, jobs: JobProducer, clock: Clock) =>
        new QuarterReportsService(ds, periods, monitoringEnqueuer(jobs), clock),
    },
    {
      provide: EvidenceService,
      inject: [DataSource, EVIDENCE_STORE],
      useFactory: (ds: DataSource, store: ContentStore) => new EvidenceService(ds, store),
    },
    {
      provide: MonitoringService,
      inject: [DataSource, CLOCK],
      useFactory: (ds: DataSource, clock: Clock) => new MonitoringService(ds, clock),
    },
    { provide: ActualsQueries, inject: [DataSource], useFactory: (ds: DataSource) => new ActualsQueries(ds) },
    MonitoringHandlers,
  ],
  exports: [PeriodsService, QuarterReportsService, EvidenceService, MonitoringService, ActualsQueries],
})
export class ActualsModule {}
