import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, AppLogger } from '@selfeval/config';
import { JobRunner, Queue } from '@selfeval/jobs';
import { WorkerModule } from './worker.module';

export async function createWorker(config: AppConfig, queues?: Queue[]): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  ctx.useLogger(ctx.get(AppLogger));
  await ctx.get(JobRunner).start(queues);
  return ctx;
}
