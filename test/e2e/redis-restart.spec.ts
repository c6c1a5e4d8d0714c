import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { PeriodsService, QuarterReportsService } from '@selfeval/actuals';
import { SelfEvaluationEntity, TargetSheetEntity } from '@selfeval/db';
import { EvaluationService } from '@selfeval/evaluation';
import { EmbeddedRedis, freePort, JobProducer, Queue } from '@selfeval/jobs';
import { TargetsService } from '@selfeval/targets';
import { createApi } from '../../apps/api/src/create-api';
import { createWorker } from '../../apps/worker/src/create-worker';
import { tempDir, testConfig } from '../helpers/config';
import { createPgSchema, describePg } from '../helpers/postgres';
import { syntheticProject, syntheticValues } from '../helpers/synthetic';
import { waitFor } from '../helpers/wait-for';

const SHEETS = Number(process.env.FAULT_SCORES ?? 1000);

/** A private redis-server with AOF, restarted on the same port in the middle of a batch. */
describePg('faults: Redis restarted mid-batch', () => {
  let app: NestExpressApplication;
  let worker: INestApplicationContext;
  let redis: EmbeddedRedis;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    redis = new EmbeddedRedis({ dataDir: tempDir(), port: await freePort() });
    const config = { ...testConfig({ database: pg.db, redisUrl: await redis.start() }), jobLockMs: 3000 };
    app = await createApi(config);
    await app.init();
    worker = await createWorker(config);
    const targets = app.get(TargetsService);
    await targets.importResult(
      { sheets: Array.from({ length: SHEETS }, (_, i) => syntheticProject(i)), warnings: [] },
      { name: 'synthetic', hash: 'synthetic' },
    );
    const periods = app.get(PeriodsService);
    const reports = app.get(QuarterReportsService);
    await periods.setPeriod(2026, 'Q4', new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000), 'test');
    for (const s of await app
      .get(DataSource)
      .getRepository(TargetSheetEntity)
      .find({ relations: { indicators: true } })) {
      await targets.approve(s.id, 'test');
      await reports.saveDraft(
        s.id,
        'Q4',
        { spending: [{ source: '财政拨款', amount: '9.5' }], values: syntheticValues(s.indicators!) },
        'test',
      );
    }
  }, 180_000);
  let stopped = false;
  afterAll(async () => {
    if (stopped) await redis.start(); // closing workers needs their Redis
    await worker?.close();
    await app?.close();
    await redis?.stop();
    await drop?.();
  });

  it('resumes the queued jobs after the restart and finishes every one', async () => {
    const ds = app.get(DataSource);
    const scored = () =>
      ds
        .getRepository(SelfEvaluationEntity)
        .createQueryBuilder('e')
        .where('e.scored_version = e.data_version')
        .andWhere("e.score_state = 'scored'")
        .getCount();
    const evaluations = app.get(EvaluationService);
    for (const s of await ds.getRepository(TargetSheetEntity).find()) await evaluations.requestScoring(s.id);
    await waitFor(async () => ((await scored()) >= SHEETS / 10 ? true : undefined), 'some scores', 60_000, 20);
    const atStop = await scored();
    await redis.stop();
    stopped = true;
    expect(atStop).toBeLessThan(SHEETS);
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();
    stopped = false;
    await waitFor(
      async () => ((await scored()) === SHEETS ? true : undefined),
      'every score after the restart',
      120_000,
      250,
    );
    const counts = await app.get(JobProducer).counts();
    expect(counts[Queue.Scoring]).toMatchObject({ failed: 0, waiting: 0, active: 0 });
  }, 240_000);
});
