import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { TargetSheetEntity } from '@selfeval/db';
import { EvaluationService } from '@selfeval/evaluation';
import { Job, JobProducer, Queue } from '@selfeval/jobs';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';
import { countScored, seedSyntheticYearEnd } from '../helpers/synthetic';

const SHEETS = Number(process.env.FAULT_SCORES ?? 1000);

/** A private redis-server with AOF, restarted on the same port in the middle of a batch. */
describePg('faults: Redis restarted mid-batch', () => {
  let stack: Stack;
  let app: NestExpressApplication;

  beforeAll(async () => {
    stack = await startStack({ embeddedRedis: true, worker: true, config: (c) => ({ ...c, jobLockMs: 3000 }) });
    app = stack.app;
    await seedSyntheticYearEnd(app, SHEETS);
  }, 300_000);
  afterAll(() => stack?.close()); // restarts the Redis first if a failure left it stopped

  it('resumes the queued jobs after the restart and finishes every one', async () => {
    const ds = app.get(DataSource);
    const scored = () => countScored(ds);
    const evaluations = app.get(EvaluationService);
    const redis = stack.redis!;
    const completed = () => stack.jobs.completed(Queue.Scoring, `${Job.ScoreSheet}-`);
    // the whole batch is queued before the worker takes the first job, so the restart falls in its middle
    const queue = app.get(JobProducer).queue(Queue.Scoring);
    await queue.pause();
    for (const s of await ds.getRepository(TargetSheetEntity).find()) await evaluations.requestScoring(s.id);
    await queue.resume();
    await stack.jobs.until(() => (completed() >= SHEETS / 10 ? true : undefined), `${SHEETS / 10} scorings`);
    await redis.stop();
    const atStop = await scored();
    expect(atStop).toBeLessThan(SHEETS);
    await new Promise((r) => setTimeout(r, 1500)); // Redis stays down a while, as in a real restart
    await redis.start();
    await stack.jobs.until(
      () => (completed() === SHEETS ? true : undefined),
      'every scoring job after the restart',
      180_000,
    );
    expect(await scored()).toBe(SHEETS);
    const counts = await app.get(JobProducer).counts();
    expect(counts[Queue.Scoring]).toMatchObject({ failed: 0, waiting: 0, active: 0 });
  }, 400_000);
});
