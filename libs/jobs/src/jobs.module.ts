import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { JobProducer } from './job-producer.service';
import { JobRunner } from './job-runner.service';
import { REDIS_CONNECTION } from './jobs.tokens';
import { createRedisConnection, RedisClient } from './redis-connection';
import { SystemHandlers } from './system.handlers';
import { withDeadline } from './with-deadline';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: REDIS_CONNECTION,
      inject: [APP_CONFIG],
      // REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS (the embedded server sets redisUrl before the app starts)
      useFactory: (config: AppConfig) => createRedisConnection(config),
    },
    JobProducer,
    JobRunner,
    SystemHandlers,
  ],
  exports: [REDIS_CONNECTION, JobProducer, JobRunner],
})
export class JobsModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CONNECTION) private readonly connection: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    // Runs after the producer and runner in this module have closed their queues and workers.
    if (this.connection.status === 'ready') await withDeadline(this.connection.quit(), 2_000);
    this.connection.disconnect();
  }
}
