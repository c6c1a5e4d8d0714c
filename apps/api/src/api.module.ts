import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigModule, LoggerModule } from '@selfeval/config';
import { DbModule } from '@selfeval/db';
import { JobsModule, REDIS_CONNECTION, RedisClient } from '@selfeval/jobs';
import { ActualsModule } from '@selfeval/actuals';
import { EvaluationModule } from '@selfeval/evaluation';
import { TargetsModule } from '@selfeval/targets';
import { AuthModule, UsersService } from '@selfeval/auth';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { AuthController, LoginLimiter, UsersController } from './auth/auth.controller';
import { AdminPagesController } from './web/admin-pages.controller';
import { AuthPagesController } from './web/auth-pages.controller';
import { EvaluationPagesController } from './web/evaluation-pages.controller';
import { HomePagesController } from './web/home-pages.controller';
import { QuarterPagesController } from './web/quarter-pages.controller';
import { UnitProfilePagesController } from './web/unit-profile-pages.controller';
import { ReportTextPagesController } from './web/report-text-pages.controller';
import { WebViews } from './web/web-views';
import { ErrorPages } from './web/error-pages';
import { HealthController } from './health/health.controller';
import { ActualsController } from './http/actuals.controller';
import { EvaluationController } from './http/evaluation.controller';
import { TargetsController } from './http/targets.controller';
import { UnitsController } from './http/units.controller';
import { UnitProfileController } from './http/unit-profile.controller';
import { ApiDocs, ApiDocsController } from './openapi/api-docs';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule,
        DbModule.forRoot({ runMigrations: true }),
        JobsModule,
        TargetsModule,
        ActualsModule,
        EvaluationModule,
        AuthModule,
      ],
      controllers: [
        HealthController,
        AuthController,
        UsersController,
        TargetsController,
        ActualsController,
        EvaluationController,
        UnitsController,
        AuthPagesController,
        HomePagesController,
        QuarterPagesController,
        EvaluationPagesController,
        AdminPagesController,
        ApiDocsController,
        UnitProfileController,
        UnitProfilePagesController,
        ReportTextPagesController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: WebViews, useFactory: () => new WebViews() },
        {
          provide: ErrorPages,
          inject: [WebViews, UsersService],
          useFactory: (views: WebViews, users: UsersService) => new ErrorPages(views, users),
        },
        ApiDocs,
        {
          provide: LoginLimiter,
          inject: [REDIS_CONNECTION, APP_CONFIG],
          useFactory: (redis: RedisClient, config: AppConfig) => new LoginLimiter(redis, config.queuePrefix),
        },
      ],
    };
  }
}
