import IORedis from 'ioredis';
import { DataSource, In } from 'typeorm';
import { SelfEvaluationEntity, TargetSheetEntity } from '@selfeval/db';
import { Job, Queue, REDIS_CONNECTION, RedisClient } from '@selfeval/jobs';
import type { Agent } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { RedisSentinelSet, startRedisSentinel, until } from '../helpers/redis-deployments';
import { Stack, startStack } from '../helpers/stack';
import { countScored, seedSyntheticYearEnd } from '../helpers/synthetic';

const SHEETS = 6;

/**
 * One primary, one replica and one sentinel (redis-server --sentinel), and the app (API and worker)
 * on REDIS_SENTINELS + REDIS_SENTINEL_NAME. After SENTINEL FAILOVER the replica is the primary: the
 * app follows it without a restart, the signed-in session carries on and new jobs run.
 */
describePg('Redis Sentinel: the app finds the primary through the sentinel and follows a failover', () => {
  let set: RedisSentinelSet;
  let stack: Stack;
  let ds: DataSource;
  let reporter: Agent;
  let sheets: TargetSheetEntity[];

  beforeAll(async () => {
    set = await startRedisSentinel();
    stack = await startStack({
      redis: { redisSentinel: { sentinels: [{ host: '127.0.0.1', port: set.sentinel.port }], name: set.name } },
      worker: true,
    });
    ds = stack.app.get(DataSource);
    await seedSyntheticYearEnd(stack.app, SHEETS);
    reporter = (await stack.signIn('reporter', { unitCode: '900' })).agent;
    sheets = await ds.getRepository(TargetSheetEntity).find({ order: { name: 'ASC' } });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await set?.stop();
  });

  const keysOn = async (port: number) => {
    const out = await (port === set.primary.port ? set.primary : set.replica).cli(
      '--scan',
      '--pattern',
      `${stack.config.queuePrefix}*`,
    );
    return out ? out.split('\n') : [];
  };
  const submitAndScore = async (batch: TargetSheetEntity[]) => {
    for (const s of batch) await reporter.post(`/api/actuals/sheets/${s.id}/periods/Q4/submit`).expect(201);
    for (const s of batch) await stack.scored(s.id);
  };

  it('writes sessions and jobs to the primary the sentinel names', async () => {
    const redis = stack.app.get<RedisClient>(REDIS_CONNECTION);
    expect(redis).toBeInstanceOf(IORedis);
    expect((redis as IORedis).options).toMatchObject({ name: set.name, sentinels: [{ port: set.sentinel.port }] });
    await submitAndScore(sheets.slice(0, SHEETS / 2));
    const onPrimary = await keysOn(set.primary.port);
    expect(onPrimary.some((k) => k.includes(':sess:'))).toBe(true);
    expect(onPrimary.some((k) => k.includes(':scoring:'))).toBe(true);
    expect((await set.primary.cli('role')).split('\n')[0]).toBe('master');
  });

  it('after SENTINEL FAILOVER: the replica is the primary, the session carries on, new jobs run on it once each', async () => {
    expect(await set.sentinel.cli('sentinel', 'failover', set.name)).toBe('OK');
    await until(
      async () =>
        (await set.sentinel.cli('sentinel', 'get-master-addr-by-name', set.name)).endsWith(String(set.replica.port))
          ? true
          : undefined,
      'the sentinel names the replica as primary',
    );
    await until(
      async () => ((await set.replica.cli('role')).split('\n')[0] === 'master' ? true : undefined),
      'the replica promoted',
    );
    await until(
      async () => ((await set.primary.cli('role')).split('\n')[0] === 'slave' ? true : undefined),
      'the old primary demoted',
    );
    // the session written before the failover was replicated; the same cookie still signs the reporter in
    const session = await reporter.get('/api/auth/session').expect(200);
    expect(session.body.user).toMatchObject({ role: 'reporter' });

    await submitAndScore(sheets.slice(SHEETS / 2));
    expect(await countScored(ds)).toBe(SHEETS);
    expect(stack.jobs.completed(Queue.Scoring, `${Job.ScoreSheet}-`)).toBe(SHEETS);
    expect(stack.jobs.completedTwice()).toEqual([]);
    // the new jobs live on the new primary (the old one, now its replica, holds copies)
    const later = sheets.slice(SHEETS / 2).map((s) => s.id);
    const onNew = await keysOn(set.replica.port);
    const evaluations = await ds.getRepository(SelfEvaluationEntity).findBy({ sheetId: In(later) });
    expect(evaluations).toHaveLength(later.length);
    for (const { id } of evaluations)
      expect({ id, stored: onNew.some((k) => k.includes(id)) }).toEqual({ id, stored: true });
  });
});
