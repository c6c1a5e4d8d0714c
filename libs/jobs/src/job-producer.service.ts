import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue as BullQueue, QueueEvents } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { ALL_QUEUES, Job, JobPayload, Queue, QUEUE_OF } from './job-registry';
import { REDIS_CONNECTION } from './jobs.tokens';
import type { RedisClient } from './redis-connection';
import { withDeadline } from './with-deadline';

/** Retries with exponential backoff; failed jobs are kept so the reason stays visible. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
};

@Injectable()
export class JobProducer implements OnApplicationShutdown {
  private readonly logger = new Logger(JobProducer.name);
  private readonly queues = new Map<Queue, BullQueue>();

  constructor(
    @Inject(REDIS_CONNECTION) private readonly connection: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The BullMQ queue, for inspection (counts, health, tests); jobs go in only through the methods below. */
  queue(name: Queue): BullQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = new BullQueue(name, {
        connection: this.connection,
        prefix: this.config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      // Connection errors surface through health checks and failed enqueues; don't crash on the event.
      q.on('error', (err) => this.logger.warn(`queue ${name}: ${err.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  /** The only way to enqueue: the payload type follows the job name. */
  async enqueue<J extends Job>(job: J, data: JobPayload[J], opts: JobsOptions = {}) {
    return this.queue(QUEUE_OF[job]).add(job, data, opts);
  }

  /** Many jobs of one kind in one round trip each thousand (fan-outs). */
  async enqueueBulk<J extends Job>(job: J, items: { data: JobPayload[J]; jobId: string }[]) {
    const queue = this.queue(QUEUE_OF[job]);
    for (let i = 0; i < items.length; i += 1000) {
      await queue.addBulk(
        items.slice(i, i + 1000).map((it) => ({ name: job, data: it.data, opts: { jobId: it.jobId } })),
      );
    }
  }

  /** A repeating job; upserting by name is idempotent across processes and restarts. */
  async schedule<J extends Job>(name: string, job: J, data: JobPayload[J], repeat: { pattern: string; tz: string }) {
    await this.queue(QUEUE_OF[job]).upsertJobScheduler(name, repeat, { name: job, data });
  }

  /** Enqueue and wait for the result (CLI, doctor, tests); rejects with the job's failure reason. */
  async enqueueAndWait<J extends Job>(job: J, data: JobPayload[J], timeoutMs = 30_000, opts: JobsOptions = {}) {
    // BullMQ never closes a connection it was handed, so this one is ours to close.
    const connection = this.connection.duplicate();
    const events = new QueueEvents(QUEUE_OF[job], { connection, prefix: this.config.queuePrefix });
    try {
      await events.waitUntilReady();
      const added = await this.enqueue(job, data, opts);
      return await added.waitUntilFinished(events, timeoutMs);
    } finally {
      await events.close();
      connection.disconnect();
    }
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const name of ALL_QUEUES) {
      out[name] = await this.queue(name).getJobCounts(
        'waiting',
        'active',
        'delayed',
        'failed',
        'completed',
        'prioritized',
      );
    }
    return out;
  }

  /** Workers listening on each queue (a worker process runs one per queue). */
  async workerCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of ALL_QUEUES) out[name] = (await this.queue(name).getWorkersCount()) ?? 0;
    return out;
  }

  async onApplicationShutdown(): Promise<void> {
    // With Redis gone, close() would wait for a reconnect forever: drop the connection first.
    if (this.connection.status !== 'ready') this.connection.disconnect();
    await withDeadline(Promise.all([...this.queues.values()].map((q) => q.close())), 5_000);
  }
}
