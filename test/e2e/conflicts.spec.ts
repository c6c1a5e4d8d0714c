import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApi } from '../../apps/api/src/create-api';
import { Agent, signedIn } from '../helpers/auth';
import { testConfig } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { createPgSchema, describePg } from '../helpers/postgres';

const DAY = 86_400_000;

/** Requests that race over HTTP: the conditional writes answer 409 in Chinese, never 500, and audit once. */
describePg('concurrent workflow requests through the real app on PostgreSQL', () => {
  let app: NestExpressApplication;
  let drop: () => Promise<void>;
  let admin: Agent;
  let reporter: Agent;
  let sheetId: string;
  let indicatorIds: string[];
  const base = () => `/api/actuals/sheets/${sheetId}/periods`;
  const report = (spent: string) => ({
    spending: [{ source: '财政拨款', amount: spent }],
    values: indicatorIds.map((indicatorId) => ({ indicatorId, value: '1' })),
  });

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    app = await createApi(testConfig({ database: pg.db }));
    await app.init();
    admin = (await signedIn(app, 'admin', { displayName: '财政管理员', username: 'cz.admin' })).agent;
    await admin.post('/api/targets/import').attach('files', seedFile('003')).expect(201);
    reporter = (await signedIn(app, 'reporter', { unitCode: '501', displayName: '张填报', username: 'zhang.tb' }))
      .agent;
    const sheets = (await admin.get('/api/targets/sheets?unit=501&year=2024').expect(200)).body;
    sheetId = sheets.find((s: { name: string }) => s.name === '信访维稳工作经费').id;
    indicatorIds = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators
      .filter((i: { targetKind: string }) => i.targetKind === 'quantitative')
      .map((i: { id: string }) => i.id);
    const now = Date.now();
    for (const p of ['Q1', 'Q2'])
      await admin
        .put(`/api/actuals/periods/2024/${p}`)
        .send({ opensAt: new Date(now - DAY).toISOString(), closesAt: new Date(now + DAY).toISOString() })
        .expect(200);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('five approvals of one target version at once: one lands, four get 409', async () => {
    const res = await Promise.all(
      Array.from({ length: 5 }, () => admin.post(`/api/targets/sheets/${sheetId}/approve`)),
    );
    expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of res.filter((x) => x.status === 409)) expect(r.body.message).toMatch(/不能批复|已被他人批复/);
  });

  it('five first saves at once: none is a 500, the report exists once', async () => {
    const res = await Promise.all(
      Array.from({ length: 5 }, (_, k) => reporter.put(`${base()}/Q1`).send(report(String(k + 1)))),
    );
    expect(res.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(res.some((r) => r.status === 200)).toBe(true);
    const stored = (await reporter.get(`${base()}/Q1`).expect(200)).body;
    expect(stored.dataVersion).toBe(res.filter((r) => r.status === 200).length);
  });

  it('five submits at once: one 201, four 409 with a Chinese message, one audit row', async () => {
    const res = await Promise.all(Array.from({ length: 5 }, () => reporter.post(`${base()}/Q1/submit`)));
    expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of res.filter((x) => x.status === 409))
      expect(r.body.message).toMatch(/该季度报告已被他人提交或状态已变化，请刷新后重试|当前为“已提交”，不能提交/);
    const stored = (await reporter.get(`${base()}/Q1`).expect(200)).body;
    const trail = (await admin.get(`/api/actuals/audit/${stored.id}`).expect(200)).body;
    expect(trail.filter((a: { action: string }) => a.action === 'submit')).toHaveLength(1);
  });
});
