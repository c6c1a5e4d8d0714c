export * from './job-registry';
export * from './handles-job.decorator';
export * from './job-producer.service';
export * from './job-runner.service';
export * from './jobs.module';
export * from './jobs.tokens';
export * from './redis-connection';
export * from './embedded-redis';
