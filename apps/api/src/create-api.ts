import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@selfeval/config';
import { ApiModule } from './api.module';
import { configureApp } from './configure-app';
import { configureSession } from './auth/session.setup';
import { REDIS_CONNECTION } from '@selfeval/jobs';
import { mountQueueBoard } from './admin-queues/queue-board';
import { ApiDocs } from './openapi/api-docs';

export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  // body parsers are registered by configureSession, before the CSRF check that reads form bodies
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  // off unless configured: otherwise anyone could pick their own address with X-Forwarded-For
  app.set('trust proxy', config.trustProxy);
  configureApp(app);
  configureSession(app, config, app.get(REDIS_CONNECTION));
  mountQueueBoard(app);
  // the OpenAPI document is read from the controllers' decorators once, served at /api/docs
  app.get(ApiDocs).publish(app);
  return app;
}
