import * as os from 'node:os';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Job as BullJob, DelayedError, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { HANDLES_JOB } from './handles-job.decorator';
import { ALL_QUEUES, Job, jobsOfQueue, Queue } from './job-registry';
import { REDIS_CONNECTION } from './jobs.tokens';
import type { RedisClient } from './redis-connection';
import { RetryLater } from './retry-later';
import { withDeadline } from './with-deadline';

type Handler = (data: unknown, job: BullJob) => Promise<unknown>;

/**
 * Finds every @HandlesJob method, checks that each Job has exactly one handler, and runs one
 * BullMQ Worker per Queue. Only worker processes call start(); the API only produces.
 */
@Injectable()
export class JobRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly workers: Worker[] = [];
  /** BullMQ never closes a connection it was handed: these are disconnected after the workers close. */
  private readonly connections: RedisClient[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(REDIS_CONNECTION) private readonly connection: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  discoverHandlers(): Map<Job, Handler> {
    const found = new Map<Job, Handler[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const job = this.reflector.get<Job | undefined>(HANDLES_JOB, proto[method]);
        if (!job) continue;
        const fn = (instance[method] as Handler).bind(instance);
        found.set(job, [...(found.get(job) ?? []), fn]);
      }
    }
    const problems: string[] = [];
    const handlers = new Map<Job, Handler>();
    for (const job of Object.values(Job)) {
      const list = found.get(job) ?? [];
      if (list.length === 0) problems.push(`job "${job}" has no @HandlesJob handler`);
      else if (list.length > 1) problems.push(`job "${job}" has ${list.length} handlers`);
      else handlers.set(job, list[0]);
    }
    if (problems.length) throw new Error(`Job registry incomplete: ${problems.join('; ')}`);
    return handlers;
  }

  async start(queues: Queue[] = ALL_QUEUES): Promise<void> {
    const handlers = this.discoverHandlers();
    for (const queue of queues) {
      const worker = new Worker(
        queue,
        async (job, token) => {
          const handler = handlers.get(job.name as Job);
          if (!handler || !jobsOfQueue(queue).includes(job.name as Job)) {
            throw new Error(`unknown job "${job.name}" on queue "${queue}"`);
          }
          try {
            return await handler(job.data, job);
          } catch (e) {
            if (!(e instanceof RetryLater) || !token) throw e;
            await job.moveToDelayed(Math.max(e.at.getTime(), Date.now() + 100), token);
            throw new DelayedError(e.message);
          }
        },
        {
          connection: this.duplicateConnection(),
          // stored on every job it takes (job.processedBy): which process ran a job, on the board and in tests
          name: `${os.hostname()}:${process.pid}`,
          prefix: this.config.queuePrefix,
          concurrency: this.config.workerConcurrency,
          // a worker that dies (SIGKILL, OOM) loses its lock; its active jobs are taken over after this
          lockDuration: this.config.jobLockMs,
          stalledInterval: this.config.jobLockMs,
          maxStalledCount: 3,
          autorun: true,
        },
      );
      worker.on('failed', (job, err) =>
        this.logger.warn(`job ${job?.name}#${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`),
      );
      worker.on('error', (err) => this.logger.error(`worker ${queue}: ${err.message}`));
      await worker.waitUntilReady();
      this.workers.push(worker);
    }
    this.logger.log(`workers started on queues: ${queues.join(', ')}`);
  }

  private duplicateConnection(): RedisClient {
    const c = this.connection.duplicate();
    this.connections.push(c);
    return c;
  }

  get running(): number {
    return this.workers.filter((w) => w.isRunning()).length;
  }

  /** Graceful: lets active jobs finish (BullMQ close waits for them), then disconnects. */
  async onApplicationShutdown(): Promise<void> {
    await withDeadline(Promise.all(this.workers.map((w) => w.close())), 30_000, () =>
      Promise.all(this.workers.map((w) => w.close(true))),
    );
    this.workers.length = 0;
    for (const c of this.connections.splice(0)) c.disconnect();
  }
}
