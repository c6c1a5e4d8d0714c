import * as path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { ALL_QUEUES, Job, JobProducer, JobRunner, Queue } from '@selfeval/jobs';
import { createWorker } from '../../apps/worker/src/create-worker';
import { dropRedisPrefix, tempDir, testConfig } from '../helpers/config';

describe('job round trip through a real BullMQ worker on real Redis', () => {
  let worker: INestApplicationContext;
  const config = testConfig({ database: { driver: 'sqlite', file: path.join(tempDir(), 'w.sqlite') } });

  beforeAll(async () => {
    worker = await createWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await dropRedisPrefix(config.redisUrl!, config.queuePrefix);
  });

  it('runs an enqueued job in the worker and returns its result', async () => {
    const producer = worker.get(JobProducer);
    const result = await producer.enqueueAndWait(Job.Echo, { message: '你好' }, 15_000);
    expect(result).toMatchObject({ message: '你好', pid: process.pid });
    const counts = await producer.counts();
    expect(counts.system.completed).toBe(1);
    expect(await producer.workerCounts()).toEqual(Object.fromEntries(ALL_QUEUES.map((q) => [q, 1])));
  });

  it('finds exactly one handler per registered job', () => {
    const handlers = worker.get(JobRunner).discoverHandlers();
    expect([...handlers.keys()].sort()).toEqual(Object.values(Job).sort());
  });

  it('lets an active job finish when the worker shuts down', async () => {
    const producer = worker.get(JobProducer);
    const runner = worker.get(JobRunner);
    const job = await producer.enqueue(Job.Echo, { message: 'slow', delayMs: 1_500 });
    const deadline = Date.now() + 10_000;
    while ((await job.getState()) !== 'active' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await job.getState()).toBe('active');
    await runner.onApplicationShutdown();
    expect(runner.running).toBe(0);
    expect(await job.getState()).toBe('completed');
    expect((await producer.queue(Queue.System).getJob(job.id!))?.returnvalue).toMatchObject({ message: 'slow' });
  });
});
