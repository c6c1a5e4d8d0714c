import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { JobProducer } from './job-producer.service';
import { JobRunner } from './job-runner.service';
import { REDIS_CONNECTION } from './jobs.tokens';
import { createRedisConnection } from './redis-connection';
import { SystemHandlers } from './system.handlers';
import { withDeadline } from './with-deadline';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: REDIS_CONNECTION,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.redisUrl) {
          throw new Error('REDIS_URL is not set and no embedded redis-server was started before the app');
        }
        return createRedisConnection(config.redisUrl);
      },
    },
    JobProducer,
    JobRunner,
    SystemHandlers,
  ],
  exports: [REDIS_CONNECTION, JobProducer, JobRunner],
})
export class JobsModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CONNECTION) private readonly connection: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    // Runs after the producer and runner in this module have closed their queues and workers.
    if (this.connection.status === 'ready') await withDeadline(this.connection.quit(), 2_000);
    this.connection.disconnect();
  }
}
