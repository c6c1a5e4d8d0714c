import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@selfeval/config';
import { ApiModule } from './api.module';
import { configureApp } from './configure-app';

export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { bufferLogs: true });
  configureApp(app);
  app.useBodyParser('json', { limit: '5mb' });
  return app;
}
