import type { NestExpressApplication } from '@nestjs/platform-express';
import { Worker } from 'bullmq';
import type Redis from 'ioredis';
import request from 'supertest';
import { Job, JobProducer, Queue, REDIS_CONNECTION } from '@selfeval/jobs';
import { Agent, TEST_PASSWORD } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

interface BoardJob {
  id: string;
  name: string;
  failedReason?: string;
  attemptsMade: number;
}
/** the board's name of the system queue, as its addresses carry it */
const SYSTEM = encodeURIComponent('系统');

interface BoardQueue {
  name: string;
  displayName?: string;
  description?: string;
  counts: Record<string, number>;
  jobs: BoardJob[];
}

/** BullMQ's dashboard under /admin/queues: administrators only, failed jobs inspected and retried. */
describePg('queue dashboard (bull-board) under /admin/queues', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  let worker: Worker;
  let connection: Redis;
  let admin: Agent;
  let evaluator: Agent;
  let jobId: string;
  let adminName: string;
  // the first run fails with a Chinese reason, as a real handler's would; after the retry it succeeds
  let failing = true;

  beforeAll(async () => {
    stack = await startStack();
    app = stack.app;
    admin = stack.users.admin;
    adminName = stack.accounts.get('admin')!.username;
    evaluator = (await stack.signIn('evaluator')).agent;
    worker = new Worker(
      Queue.System,
      async () => {
        if (failing) throw new Error('单位“株洲市渌口区信访局”未设置联系邮箱，无法发送报告');
        return 'ok';
      },
      {
        connection: (connection = app.get(REDIS_CONNECTION).duplicate({ maxRetriesPerRequest: null })),
        prefix: stack.config.queuePrefix,
      },
    );
    const job = await app.get(JobProducer).enqueue(Job.Echo, { message: '测试' }, { attempts: 1 });
    jobId = job.id!;
    await expect(stack.jobs.done(Queue.System, jobId, 'the job to fail')).rejects.toThrow('未设置联系邮箱');
  });

  afterAll(async () => {
    await worker?.close();
    connection?.disconnect();
    await stack?.close();
  });

  /** The administrator's session cookie alone, as a browser sends it (the test agents add the CSRF token). */
  const cookieOnly = async () => {
    const server = app.getHttpServer();
    const anon = await request(server).get('/api/auth/session').expect(200);
    const res = await request(server)
      .post('/api/auth/login')
      .set('Cookie', anon.headers['set-cookie'][0].split(';')[0])
      .set('X-CSRF-Token', anon.body.csrfToken)
      .send({ username: adminName, password: TEST_PASSWORD })
      .expect(200);
    return res.headers['set-cookie'][0].split(';')[0];
  };

  const failedOfSystem = async (agent: Agent) => {
    const res = await agent.get(`/admin/queues/api/queues?activeQueue=${SYSTEM}&status=failed&page=1&jobsPerPage=10`);
    expect(res.status).toBe(200);
    return (res.body as { queues: BoardQueue[] }).queues;
  };

  it('shows administrators every queue in Chinese, and a failed job with its reason', async () => {
    const page = await admin.get('/admin/queues').expect(200);
    expect(page.text).toContain('<div id="root">');
    expect(page.text).toContain('作业队列');
    const queues = await failedOfSystem(admin);
    expect(queues.map((q) => q.displayName).sort()).toEqual(['双监控', '报告生成', '系统', '自评打分', '通知'].sort());
    // the board names queues in Chinese (its sidebar and addresses); Redis keeps the wire name
    expect(queues.map((q) => q.name).sort()).toEqual(['双监控', '报告生成', '系统', '自评打分', '通知'].sort());
    const system = queues.find((q) => q.name === '系统')!;
    expect(system.counts.failed).toBe(1);
    expect(system.jobs).toEqual([
      expect.objectContaining({
        id: jobId,
        name: '连通性检查', // the board shows the job's name in Chinese (echo)
        failedReason: '单位“株洲市渌口区信访局”未设置联系邮箱，无法发送报告',
      }),
    ]);
    const one = await admin.get(`/admin/queues/api/queues/${SYSTEM}/${jobId}`).expect(200);
    expect(one.body.job).toMatchObject({ id: jobId, data: { message: '测试' } });
  });

  it('refuses everyone else: sign-in first, and only administrators', async () => {
    const anonymous = request.agent(app.getHttpServer());
    const redirect = await anonymous.get('/admin/queues').expect(303);
    expect(redirect.headers.location).toBe('/login?next=%2Fadmin%2Fqueues');
    expect((await anonymous.get('/admin/queues/api/queues').expect(401)).body.message).toBe('请先登录');
    const page = await evaluator.get('/admin/queues').expect(403);
    expect(page.text).toContain('只有管理员可以查看作业队列');
    expect((await evaluator.get('/admin/queues/api/queues').expect(403)).body.message).toBe(
      '只有管理员可以查看作业队列',
    );
    // nothing of the board's data leaks in either answer
    expect(page.text).not.toContain('未设置联系邮箱');
    await evaluator
      .put(`/admin/queues/api/queues/${SYSTEM}/${jobId}/retry`)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(403);
  });

  it('retries a failed job from the board, but never on a cross-site request', async () => {
    // a page on another site cannot send selfeval's CSRF token; the browser marks its request cross-site
    const cookie = await cookieOnly();
    const retry = () =>
      request(app.getHttpServer()).put(`/admin/queues/api/queues/${SYSTEM}/${jobId}/retry`).set('Cookie', cookie);
    const forged = await retry().set('Sec-Fetch-Site', 'cross-site');
    expect(forged.status).toBe(403);
    // an older browser without Sec-Fetch-*: Origin must name this host; neither header: refused
    expect((await retry().set('Origin', 'https://evil.example')).status).toBe(403);
    expect((await retry()).status).toBe(403);
    expect(forged.text).toContain('CSRF 校验失败');
    expect((await failedOfSystem(admin)).find((q) => q.name === '系统')!.counts.failed).toBe(1);

    failing = false;
    await retry().set('Sec-Fetch-Site', 'same-origin').expect(204);
    // the job's recorded outcome is still the failure: wait for its first completion
    await stack.jobs.until(() => stack.jobs.completed(Queue.System, jobId) || undefined, 'the retried job to complete');
    expect((await failedOfSystem(admin)).find((q) => q.name === '系统')!.counts.failed).toBe(0);
  });
});
