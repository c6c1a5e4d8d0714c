import type { NestExpressApplication } from '@nestjs/platform-express';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import request from 'supertest';
import { UsersService } from '@selfeval/auth';
import { ACCESS } from '../../apps/api/src/auth/access.decorators';
import { login, signedIn, TEST_PASSWORD } from '../helpers/auth';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

describePg('accounts, sessions, CSRF and unit scope through the real app', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  let admin: Stack['users']['admin'];
  let guantao: { id: string }[];
  let lukou: { id: string }[];

  beforeAll(async () => {
    stack = await startStack({ seed: ['003', '004'] });
    app = stack.app;
    const sheets = stack.sheets;
    admin = stack.users.admin;
    guantao = sheets.filter((s) => s.unit.name === '馆陶县信访局');
    lukou = sheets.filter((s) => s.unit.name === '株洲市渌口区信访局');
    expect(guantao.length).toBeGreaterThan(0);
    expect(lukou.length).toBeGreaterThan(0);
  });
  afterAll(() => stack?.close());

  it('has an access policy on every route (a new route without one fails here)', () => {
    const discovery = app.get(DiscoveryService);
    const reflector = app.get(Reflector);
    const scanner = app.get(MetadataScanner);
    const routes: { route: string; policy: unknown }[] = [];
    for (const wrapper of discovery.getControllers()) {
      const proto = Object.getPrototypeOf(wrapper.instance);
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        if (reflector.get(METHOD_METADATA, handler) === undefined) continue;
        const route = `${reflector.get(PATH_METADATA, wrapper.metatype as Function)}/${reflector.get(PATH_METADATA, handler)}`;
        routes.push({
          route,
          policy: reflector.get(ACCESS, handler) ?? reflector.get(ACCESS, wrapper.metatype as Function) ?? null,
        });
      }
    }
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.policy === null)).toEqual([]);
  });

  it('answers 401 without a session and 403 without a CSRF token', async () => {
    const anon = request(app.getHttpServer());
    const res = await anon.get('/api/targets/sheets').expect(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', message: '请先登录' });
    const noToken = await anon.post('/api/auth/login').send({ username: 'x', password: 'y' }).expect(403);
    expect(noToken.body.message).toContain('CSRF');
    await anon.get('/api/health').expect(200);
  });

  it('sets an HttpOnly SameSite session cookie and a new session id at sign-in', async () => {
    const agent = request.agent(app.getHttpServer());
    const first = await agent.get('/api/auth/session').expect(200);
    const before = String(first.headers['set-cookie']);
    expect(before).toMatch(/selfeval\.sid=.*HttpOnly.*SameSite=Lax/);
    await app
      .get(UsersService)
      .create({ username: 'cookie.test', displayName: '甲', role: 'admin', password: TEST_PASSWORD });
    const res = await agent
      .post('/api/auth/login')
      .set('X-CSRF-Token', first.body.csrfToken)
      .send({ username: 'cookie.test', password: TEST_PASSWORD })
      .expect(200);
    const sid = (c: string) => /selfeval\.sid=([^;]+)/.exec(c)?.[1];
    expect(sid(String(res.headers['set-cookie']))).toBeDefined();
    expect(sid(String(res.headers['set-cookie']))).not.toBe(sid(before));
    expect(res.body.user).toMatchObject({ username: 'cookie.test', role: 'admin' });
    expect(JSON.stringify(res.body)).not.toContain('passwordHash');
  });

  it('refuses a wrong password in Chinese and limits repeated failures', async () => {
    await app
      .get(UsersService)
      .create({ username: 'limit.test', displayName: '乙', role: 'admin', password: TEST_PASSWORD });
    const agent = request.agent(app.getHttpServer());
    const { body } = await agent.get('/api/auth/session');
    for (let i = 0; i < 5; i++) {
      const r = await agent
        .post('/api/auth/login')
        .set('X-CSRF-Token', body.csrfToken)
        .send({ username: 'limit.test', password: 'wrong-pass-1' })
        .expect(401);
      expect(r.body.message).toBe('用户名或密码不正确');
    }
    const blocked = await agent
      .post('/api/auth/login')
      .set('X-CSRF-Token', body.csrfToken)
      .send({ username: 'limit.test', password: TEST_PASSWORD })
      .expect(429);
    expect(blocked.body.message).toMatch(/^登录失败次数过多，请 \d+ 分钟后再试$/);
  });

  it('makes a one-time password be changed before anything else', async () => {
    const { oneTimePassword } = await app
      .get(UsersService)
      .create({ username: 'new.reporter', displayName: '丙', role: 'reporter', unitCode: '501' });
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{14}$/);
    const agent = await login(app, 'new.reporter', oneTimePassword!);
    const res = await agent.get('/api/targets/sheets').expect(403);
    expect(res.body.message).toBe('请先修改初始密码');
    const weak = await agent
      .post('/api/auth/password')
      .send({ currentPassword: oneTimePassword, newPassword: 'short' })
      .expect(422);
    expect(weak.body.message).toContain('密码至少 10 位');
    await agent
      .post('/api/auth/password')
      .send({ currentPassword: oneTimePassword, newPassword: 'Reporter-2026-ok' })
      .expect(200);
    await agent.get('/api/targets/sheets').expect(200);
  });

  it("shows a unit user only the own unit, and answers 404 for another unit's data", async () => {
    const { agent } = await signedIn(app, 'reporter', { unitCode: '501' });
    const list = (await agent.get('/api/targets/sheets').expect(200)).body as { unit: { name: string } }[];
    expect(new Set(list.map((s) => s.unit.name))).toEqual(new Set(['馆陶县信访局']));
    await agent.get(`/api/targets/sheets/${guantao[0].id}`).expect(200);
    const other = await agent.get(`/api/targets/sheets/${lukou[0].id}`).expect(404);
    expect(other.body.message).toBe('找不到该内容，或您无权查看');
    await agent.get(`/api/actuals/sheets/${lukou[0].id}/periods/Q1`).expect(404);
    await agent.get(`/api/evaluations/${lukou[0].id}/report.pdf`).expect(404);
    await agent.put(`/api/actuals/sheets/${lukou[0].id}/periods/Q1`).send({ spending: [], values: [] }).expect(404);
  });

  it('refuses what a role may not do', async () => {
    const { agent: reporter } = await signedIn(app, 'reporter', { unitCode: '501' });
    const r = await reporter.post(`/api/targets/sheets/${guantao[0].id}/approve`).expect(403);
    expect(r.body.message).toBe('填报人无权执行此操作');
    await reporter.get('/api/actuals/board?year=2024&period=Q1').expect(403);
    await reporter.get('/api/users').expect(403);
    const { agent: evaluator } = await signedIn(app, 'evaluator');
    // an evaluator without assignments sees no unit
    expect((await evaluator.get('/api/targets/sheets').expect(200)).body).toEqual([]);
    await evaluator.get(`/api/targets/sheets/${guantao[0].id}`).expect(404);
  });

  it('lets an evaluator see exactly the assigned units', async () => {
    const { agent: evaluator, user } = await signedIn(app, 'evaluator');
    const lukouCode = (await admin.get(`/api/targets/sheets/${lukou[0].id}`).expect(200)).body.unit.code as string;
    await admin
      .put(`/api/users/${user.id}/units`)
      .send({ unitCodes: [lukouCode] })
      .expect(200);
    const list = (await evaluator.get('/api/targets/sheets').expect(200)).body as { id: string }[];
    expect(list.map((s) => s.id).sort()).toEqual(lukou.map((s) => s.id).sort());
    const board = (await evaluator.get('/api/actuals/board?year=2024&period=Q1').expect(200)).body;
    expect(board.rows).toEqual([]); // 2024 is 馆陶's year; 渌口's sheets are 2026
    await evaluator.get(`/api/targets/sheets/${guantao[0].id}`).expect(404);
  });

  it('signs out', async () => {
    const { agent } = await signedIn(app, 'admin');
    await agent.post('/api/auth/logout').expect(200);
    await agent.get('/api/targets/sheets').expect(401);
  });
  it('answers user records with an allow-list of fields (never the password hash)', async () => {
    const created = await admin
      .post('/api/users')
      .send({ username: 'fields.test', displayName: '丁', role: 'evaluator', email: 'd@example.cn' })
      .expect(201);
    const fields = [
      'active',
      'createdAt',
      'displayName',
      'email',
      'id',
      'lastLoginAt',
      'mustChangePassword',
      'role',
      'unitId',
      'username',
    ];
    expect(Object.keys(created.body.user).sort()).toEqual(fields);
    expect(JSON.stringify(created.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    const list = (await admin.get('/api/users').expect(200)).body as Record<string, unknown>[];
    for (const u of list) expect(Object.keys(u).sort()).toEqual(fields);
  });

  it('ends the other sessions of a user whose password changes, and keeps the one that changed it', async () => {
    await app
      .get(UsersService)
      .create({ username: 'two.sessions', displayName: '戊', role: 'admin', password: TEST_PASSWORD });
    const here = await login(app, 'two.sessions', TEST_PASSWORD);
    const elsewhere = await login(app, 'two.sessions', TEST_PASSWORD);
    await elsewhere.get('/api/users').expect(200);
    await here
      .post('/api/auth/password')
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'Changed-pass-2026' })
      .expect(200);
    await here.get('/api/users').expect(200);
    const gone = await elsewhere.get('/api/users').expect(401);
    expect(gone.body.message).toBe('请先登录');
    await login(app, 'two.sessions', 'Changed-pass-2026');
  });

  it('ends every session of a user an administrator resets, with a one-time password to change first', async () => {
    const { user, agent } = await signedIn(app, 'evaluator');
    await agent.get('/api/auth/session').expect(200);
    await agent.get('/api/targets/sheets').expect(200);
    const res = await admin.post(`/api/users/${user.id}/password-reset`).expect(200);
    expect(res.body.oneTimePassword).toMatch(/^[A-Za-z0-9]{14}$/);
    await agent.get('/api/targets/sheets').expect(401);
    const again = await login(app, user.username, res.body.oneTimePassword);
    expect((await again.get('/api/targets/sheets').expect(403)).body.message).toBe('请先修改初始密码');
    await expect(login(app, user.username, TEST_PASSWORD)).rejects.toThrow(/401/);
  });

  it('does not trust X-Forwarded-For unless configured: a rotating header does not dodge the login limiter', async () => {
    await app
      .get(UsersService)
      .create({ username: 'xff.test', displayName: '己', role: 'admin', password: TEST_PASSWORD });
    const agent = request.agent(app.getHttpServer());
    const { body } = await agent.get('/api/auth/session');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await agent
        .post('/api/auth/login')
        .set('X-CSRF-Token', body.csrfToken)
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .send({ username: 'xff.test', password: 'wrong-pass-1' });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
