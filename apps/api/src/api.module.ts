import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, LoggerModule } from '@selfeval/config';
import { DbModule } from '@selfeval/db';
import { JobsModule } from '@selfeval/jobs';
import { ActualsModule } from '@selfeval/actuals';
import { EvaluationModule } from '@selfeval/evaluation';
import { TargetsModule } from '@selfeval/targets';
import { HealthController } from './health/health.controller';
import { ActualsController } from './http/actuals.controller';
import { EvaluationController } from './http/evaluation.controller';
import { TargetsController } from './http/targets.controller';
import { UnitsController } from './http/units.controller';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot(config), LoggerModule, DbModule.forRoot({ runMigrations: true }), JobsModule, TargetsModule, ActualsModule, EvaluationModule],
      controllers: [HealthController, TargetsController, ActualsController, EvaluationController, UnitsController],
    };
  }
}
