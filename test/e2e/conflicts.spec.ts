import type { Agent } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

/** Requests that race over HTTP: the conditional writes answer 409 in Chinese, never 500, and audit once. */
describePg('concurrent workflow requests through the real app on PostgreSQL', () => {
  let stack: Stack;
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
    // the sheet stays unapproved: the first test races the approvals
    stack = await startStack({
      seed: ['003'],
      periods: ['2024/Q1', '2024/Q2'],
      unit: '501',
      names: {
        admin: { displayName: '财政管理员', username: 'cz.admin' },
        reporter: { displayName: '张填报', username: 'zhang.tb' },
      },
    });
    ({ admin, reporter } = stack.users);
    sheetId = stack.sheet('信访维稳工作经费').id;
    indicatorIds = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators
      .filter((i: { targetKind: string }) => i.targetKind === 'quantitative')
      .map((i: { id: string }) => i.id);
  });
  afterAll(() => stack?.close());

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
