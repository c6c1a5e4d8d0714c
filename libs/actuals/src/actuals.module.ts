import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { DataSource } from 'typeorm';
import { Job, jobId, JobProducer } from '@selfeval/jobs';
import { ActualsService } from './actuals.service';
import { ContentStore } from '@selfeval/db';
import { MonitoringHandlers } from './monitoring.handlers';

@Module({
  providers: [
    {
      provide: ActualsService,
      inject: [DataSource, JobProducer, APP_CONFIG],
      useFactory: (ds: DataSource, jobs: JobProducer, config: AppConfig) =>
        new ActualsService(
          ds,
          (reportId, dataVersion) =>
            jobs.enqueue(
              Job.ComputeMonitoring,
              { reportId, dataVersion },
              { jobId: jobId(Job.ComputeMonitoring, reportId, `v${dataVersion}`) },
            ),
          () => new Date(),
          new ContentStore(path.join(config.dataDir, 'evidence')),
        ),
    },
    MonitoringHandlers,
  ],
  exports: [ActualsService],
})
export class ActualsModule {}
