import type { NestExpressApplication } from '@nestjs/platform-express';
import { can, Role } from '@selfeval/domain';
import type { Agent } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { routesOf } from '../helpers/routes';
import { Stack, startStack } from '../helpers/stack';

const SCOPE_404 = '找不到该内容，或您无权查看';
const NEVER_CALLED = new Set(['POST /api/auth/logout', 'POST /logout']); // would end the agent's session mid-matrix

describePg('access matrix: every route × role × own / other unit', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  const agents = {} as Record<Role, Agent>;
  const ids = { own: {} as Record<string, string>, other: {} as Record<string, string> };

  beforeAll(async () => {
    stack = await startStack({ seed: ['003', '004'], approve: true, unit: '501', periods: ['2024/Q1', '2026/Q1'] });
    app = stack.app;
    const { admin } = stack.users;
    const sheets = stack.sheets;
    const own = sheets.find((s) => s.unit.code === '501')!;
    const other = sheets.find((s) => s.unit.code !== '501')!;
    for (const [key, s] of [
      ['own', own],
      ['other', other],
    ] as const) {
      await admin
        .put(`/api/actuals/sheets/${s.id}/periods/Q1`)
        .send({ spending: [{ source: '财政拨款', amount: '1' }], values: [] })
        .expect(200);
      const report = (await admin.get(`/api/actuals/sheets/${s.id}/periods/Q1`).expect(200)).body;
      const evidence = (
        await admin
          .post(`/api/actuals/sheets/${s.id}/periods/Q1/evidence`)
          .attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'a.pdf')
          .expect(201)
      ).body;
      expect(report.id).toMatch(/^[0-9a-f-]{36}$/);
      ids[key] = {
        sheetId: s.id,
        id: s.id,
        entityId: report.id,
        evidenceId: evidence.id,
        code: s.unit.code,
        // the sheet list answers the stored rows, which carry their unit's id
        unitId: (s as typeof s & { unitId: string }).unitId,
        year: String(s.year),
      };
    }
    Object.assign(agents, stack.users);
  }, 120_000);
  afterAll(() => stack?.close());

  it('answers every route as its policy says', async () => {
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(45);
    // 单位概况 and 自评报告正文 (issue 13): API and pages, each checked below like every other route
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /api/units/:id/profile',
        'PUT /api/units/:id/profile',
        'GET /units',
        'GET /units/:id/profile',
        'POST /units/:id/profile',
        'GET /sheets/:sheetId/report-text',
        'POST /sheets/:sheetId/report-text',
      ]),
    );
    const problems: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (NEVER_CALLED.has(key) || route.policy.public) continue;
      const policy = route.policy;
      for (const role of ['reporter', 'head', 'evaluator', 'admin'] as Role[]) {
        for (const side of ['own', 'other'] as const) {
          const p = ids[side];
          const url = route.path
            .replace(':sheetId', p.sheetId)
            .replace(':entityId', p.entityId)
            .replace(':code', p.code)
            .replace(':year', p.year)
            .replace(':period', 'Q1')
            .replace(':indicatorId', '00000000-0000-4000-8000-000000000000')
            .replace(':file', 'app.css')
            .replace(
              ':id',
              policy.unit?.subject === 'evidence' ? p.evidenceId : policy.unit?.subject === 'unit' ? p.unitId : p.id,
            );
          const agent = agents[role];
          const req =
            route.method === 'GET'
              ? agent.get(url)
              : route.method === 'POST'
                ? agent.post(url)
                : route.method === 'PUT'
                  ? agent.put(url)
                  : route.method === 'PATCH'
                    ? agent.patch(url)
                    : agent.delete(url);
          const res = await req.redirects(0).send({});
          checked++;
          const scoped404 =
            res.status === 404 && (res.body?.message === SCOPE_404 || String(res.text).includes(SCOPE_404));
          let expected: string;
          if (!can(role, policy.permission)) expected = res.status === 403 ? 'ok' : `403 expected`;
          else if (policy.unit && side === 'other' && role !== 'admin')
            expected = scoped404 ? 'ok' : '404 (other unit) expected';
          else
            expected =
              res.status !== 401 && res.status !== 403 && !scoped404 && res.status < 500 ? 'ok' : 'allowed expected';
          if (expected !== 'ok') problems.push(`${key} as ${role} on ${side} unit → ${res.status}: ${expected}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect(problems).toEqual([]);
  }, 180_000);
});
