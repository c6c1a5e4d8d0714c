import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, LoggerModule } from '@selfeval/config';
import { DbModule } from '@selfeval/db';
import { ActualsModule } from '@selfeval/actuals';
import { EvaluationModule } from '@selfeval/evaluation';
import { NotificationsModule } from '@selfeval/notifications';
import { ReportsModule } from '@selfeval/reports';
import { JobsModule } from '@selfeval/jobs';

/** No HTTP: the feature modules that hold @HandlesJob handlers, plus the runner. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule,
        DbModule.forRoot({ runMigrations: false }),
        JobsModule,
        ActualsModule,
        EvaluationModule,
        NotificationsModule,
        ReportsModule,
      ],
    };
  }
}
