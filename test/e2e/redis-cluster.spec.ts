import { Cluster } from 'ioredis';
import { DataSource } from 'typeorm';
import { UsersService } from '@selfeval/auth';
import { TargetSheetEntity } from '@selfeval/db';
import { ALL_QUEUES, Job, JobProducer, Queue, REDIS_CONNECTION, RedisClient } from '@selfeval/jobs';
import { runDoctor } from '../../apps/cli/src/commands/doctor.command';
import { AppProcess, healthy, HttpSession, processEnv, randomSecret } from '../helpers/app-processes';
import { TEST_PASSWORD } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { RedisCluster, startRedisCluster } from '../helpers/redis-deployments';
import { Stack, startStack } from '../helpers/stack';
import { countScored, seedSyntheticYearEnd } from '../helpers/synthetic';

const SHEETS = 12;

/**
 * Three Redis masters with --cluster-enabled, joined into one cluster (no replicas), and the real app
 * on it through REDIS_CLUSTER_NODES: two compiled API processes and one compiled worker process.
 * Every Redis user goes through the cluster client: queues, workers, events, sessions, the login
 * limiter, health. The servers and their directories are removed afterwards.
 */
describePg('Redis Cluster (3 masters): sessions, login limiter and BullMQ across processes', () => {
  let cluster: RedisCluster;
  let stack: Stack;
  let ds: DataSource;
  const processes: AppProcess[] = [];
  let apis: AppProcess[];
  let worker: AppProcess;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    stack = await startStack({ redis: { redisCluster: cluster.nodes } });
    ds = stack.app.get(DataSource);
    await seedSyntheticYearEnd(stack.app, SHEETS);
    const users = stack.app.get(UsersService);
    for (const username of ['mc.reporter', 'mc.other'])
      await users.create({
        username,
        displayName: username,
        role: 'reporter',
        unitCode: '900',
        password: TEST_PASSWORD,
      });

    const env = processEnv(stack.config, { SESSION_SECRET: randomSecret() });
    expect(env).toMatchObject({
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: expect.stringMatching(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$/),
    });
    for (let i = 0; i < 2; i++) processes.push(await AppProcess.start('api', env));
    worker = await AppProcess.start('worker', env);
    processes.push(worker);
    apis = processes.filter((p) => p.kind === 'api');
    await healthy(apis[0], (w) => ALL_QUEUES.every((q) => w[q] === 1));
    await healthy(apis[1]);
  }, 180_000);

  afterAll(async () => {
    // the apps first (closing queues and workers needs Redis), then the cluster
    await Promise.all(processes.map((p) => p.stop()));
    await stack?.close();
    await cluster?.stop();
  });

  it("is a real cluster: the app holds a Cluster client, three masters share the slots, the app's keys hash to one slot", async () => {
    const redis = stack.app.get<RedisClient>(REDIS_CONNECTION);
    expect(redis).toBeInstanceOf(Cluster);
    const masters = (await redis.cluster('SHARDS')) as unknown[];
    expect(masters).toHaveLength(3);
    const prefix = stack.config.queuePrefix;
    expect(prefix).toMatch(/^\{[^{}]+\}$/);
    const slot = Number(await redis.cluster('KEYSLOT', `${prefix}:scoring:meta`));
    for (const key of [`${prefix}:reports:wait`, `${prefix}:sess:x`, `${prefix}:login-user:x`])
      expect(Number(await redis.cluster('KEYSLOT', key))).toBe(slot);
  });

  it('selfeval doctor reaches the cluster, and names REDIS_CLUSTER_NODES when it cannot', async () => {
    const ok = (await runDoctor(stack.config)).find((c) => c.name === 'Redis');
    expect(ok).toMatchObject({ ok: true, detail: expect.stringMatching(/^Redis 集群 127\.0\.0\.1:\d+,.* → PONG$/) });
    const unreachable = { ...stack.config, redisCluster: [{ host: '127.0.0.1', port: 1 }] };
    expect((await runDoctor(unreachable)).find((c) => c.name === 'Redis')).toMatchObject({
      ok: false,
      fix: expect.stringContaining('REDIS_CLUSTER_NODES'),
    });
  });

  it('a session made on one API process is valid on the other', async () => {
    const s = await HttpSession.signIn(apis[0].url, 'mc.reporter', TEST_PASSWORD);
    expect((await s.request(apis[1].url, 'GET', '/api/auth/session')).body.user).toMatchObject({
      username: 'mc.reporter',
    });
    const [sheet] = await ds.getRepository(TargetSheetEntity).find({ order: { name: 'ASC' }, take: 1 });
    expect((await s.request(apis[1].url, 'GET', `/api/actuals/sheets/${sheet.id}/periods/Q4`)).status).toBe(200);
    expect((await s.request(apis[1].url, 'POST', '/api/auth/logout', {})).status).toBeLessThan(300);
    expect((await s.request(apis[0].url, 'GET', '/api/auth/session')).body.user).toBeNull();
  });

  it('the login limiter counts failures made on both processes together', async () => {
    const s = new HttpSession();
    // five wrong passwords, alternating between the processes: each is an ordinary refusal
    for (let i = 0; i < 5; i++) {
      const res = await s.login(apis[i % 2].url, 'mc.other', 'wrong-password');
      expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
    }
    // the sixth, with the right password, is refused on either process: the count is shared
    for (const api of apis) {
      const res = await s.login(api.url, 'mc.other', TEST_PASSWORD);
      expect({ status: res.status, message: res.body.message }).toEqual({
        status: 429,
        message: expect.stringMatching(/^登录失败次数过多，请 \d+ 分钟后再试$/),
      });
    }
    // another account from the same address is not affected
    expect((await new HttpSession().login(apis[1].url, 'mc.reporter', TEST_PASSWORD)).status).toBe(200);
  });

  it(`a scoring batch of ${SHEETS} sheets runs through BullMQ on the cluster, every job once, in the worker process`, async () => {
    const { jobs } = stack;
    const sheets = await ds.getRepository(TargetSheetEntity).find({ order: { name: 'ASC' } });
    const reporter = await HttpSession.signIn(apis[1].url, 'mc.reporter', TEST_PASSWORD);
    for (const [i, s] of sheets.entries()) {
      const res = await reporter.request(apis[i % 2].url, 'POST', `/api/actuals/sheets/${s.id}/periods/Q4/submit`, {});
      expect({ sheet: s.name, status: res.status }).toEqual({ sheet: s.name, status: 201 });
    }
    const scored = () => jobs.completed(Queue.Scoring, `${Job.ScoreSheet}-`);
    await jobs.until(() => (scored() >= SHEETS ? true : undefined), `${SHEETS} scorings`);
    await jobs.until(
      () => (jobs.completed(Queue.Monitoring, `${Job.ComputeMonitoring}-`) >= SHEETS ? true : undefined),
      `${SHEETS} monitoring jobs`,
    );
    expect(scored()).toBe(SHEETS);
    expect(jobs.completedTwice()).toEqual([]);
    expect(await countScored(ds)).toBe(SHEETS);

    const producer = stack.app.get(JobProducer);
    const counts = await producer.counts();
    expect({ failed: counts[Queue.Scoring].failed, waiting: counts[Queue.Scoring].waiting }).toEqual({
      failed: 0,
      waiting: 0,
    });
    const ranBy = new Set(
      (await producer.queue(Queue.Scoring).getJobs(['completed'], 0, -1)).map((j) => j.processedBy),
    );
    expect([...ranBy]).toEqual([expect.stringMatching(new RegExp(`:${worker.child.pid}$`))]);
  });
});
