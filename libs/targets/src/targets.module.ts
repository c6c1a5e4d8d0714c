import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@selfeval/db';
import { JobProducer, monitoringEnqueuer, scoreEnqueuer } from '@selfeval/jobs';
import { TargetsService } from './targets.service';
import { UnitProfileService } from './unit-profile.service';

@Module({
  providers: [
    {
      provide: TargetsService,
      inject: [DataSource, CLOCK, { token: JobProducer, optional: true }],
      useFactory: (ds: DataSource, clock: Clock, jobs?: JobProducer) =>
        new TargetsService(
          ds,
          clock,
          jobs ? { monitoring: monitoringEnqueuer(jobs), scoring: scoreEnqueuer(jobs) } : undefined,
        ),
    },
    { provide: UnitProfileService, inject: [DataSource], useFactory: (ds: DataSource) => new UnitProfileService(ds) },
  ],
  exports: [TargetsService, UnitProfileService],
})
export class TargetsModule {}
