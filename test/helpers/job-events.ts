import { QueueEvents } from 'bullmq';
import { ALL_QUEUES, createRedisConnection, JobProducer, Queue, RedisClient, RedisSettings } from '@selfeval/jobs';

type Outcome = { ok: true; value: unknown } | { ok: false; reason: string };

/** Fails naming what never happened; a generous upper bound, never a pacing window. */
export function within<T>(promise: Promise<T>, what: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: did not happen within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The queues among `queues` with jobs failed, waiting or active, and how many: none once every job is done. */
export async function unfinishedJobs(producer: JobProducer, queues: Queue[]) {
  const counts = await producer.counts();
  return queues
    .map((q) => ({ q, failed: counts[q].failed, waiting: counts[q].waiting, active: counts[q].active }))
    .filter((c) => c.failed + c.waiting + c.active > 0);
}

/**
 * Every job outcome of one queue prefix, read from BullMQ's event streams (QueueEvents) from their
 * first entry: a test's prefix is fresh, so no completion can happen before the watcher sees it.
 * `failed` is BullMQ's final failure (retries exhausted); a retried attempt is not an outcome.
 */
export class JobEvents {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly completions = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private readonly listeners: { events: QueueEvents; connection: RedisClient }[] = [];

  static async start(redis: string | RedisSettings, prefix: string, queues: Queue[] = ALL_QUEUES): Promise<JobEvents> {
    const watcher = new JobEvents();
    for (const queue of queues) {
      const connection = typeof redis === 'string' ? createRedisConnection(redis) : createRedisConnection(redis);
      connection.on('error', () => undefined); // a Redis restart in a fault test: ioredis reconnects by itself
      const events = new QueueEvents(queue, { connection, prefix, lastEventId: '0-0' });
      events.on('error', () => undefined);
      events.on('completed', ({ jobId, returnvalue }) =>
        watcher.record(queue, jobId, { ok: true, value: returnvalue }),
      );
      events.on('failed', ({ jobId, failedReason }) =>
        watcher.record(queue, jobId, { ok: false, reason: failedReason }),
      );
      await events.waitUntilReady();
      watcher.listeners.push({ events, connection });
    }
    return watcher;
  }

  private record(queue: Queue, jobId: string, outcome: Outcome) {
    const key = `${queue}/${jobId}`;
    this.outcomes.set(key, outcome);
    if (outcome.ok) this.completions.set(key, (this.completions.get(key) ?? 0) + 1);
    for (const wake of this.waiters) wake();
  }

  /** Resolves when `check` returns something other than undefined, re-checked on every job event. */
  until<T>(check: () => T | undefined, what: string, ms = 120_000): Promise<T> {
    let wake: () => void = () => undefined;
    const found = new Promise<T>((resolve) => {
      wake = () => {
        const v = check();
        if (v !== undefined) resolve(v);
      };
      this.waiters.add(wake);
      wake();
    });
    return within(found, `waiting for ${what}`, ms).finally(() => this.waiters.delete(wake));
  }

  /** The job's return value once it completed; rejects with its failure reason once it failed for good. */
  async done(queue: Queue, jobId: string, what = `job ${jobId}`, ms?: number): Promise<unknown> {
    const outcome = await this.until(() => this.outcomes.get(`${queue}/${jobId}`), what, ms);
    if (!outcome.ok) throw new Error(`${what} failed: ${outcome.reason}`);
    return outcome.value;
  }

  /** Distinct jobs of `queue` whose id starts with `idPrefix` that completed. */
  completed(queue: Queue, idPrefix = ''): number {
    let n = 0;
    for (const key of this.completions.keys()) if (key.startsWith(`${queue}/${idPrefix}`)) n++;
    return n;
  }

  /** Jobs Redis saw complete more than once (a job processed twice). */
  completedTwice(): string[] {
    return [...this.completions].filter(([, n]) => n > 1).map(([key]) => key);
  }

  async close(): Promise<void> {
    for (const { events, connection } of this.listeners.splice(0)) {
      // after a Redis restart in a fault test, close() can wait on a reconnect that never settles: bound it,
      // then drop the connection (BullMQ uses this very instance, so nothing keeps reconnecting)
      await within(events.close(), 'closing the job watcher', 5_000).catch(() => undefined);
      connection.disconnect();
    }
  }
}
