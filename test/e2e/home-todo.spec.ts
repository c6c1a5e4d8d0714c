import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { MailDeliveryEntity } from '@selfeval/db';
import { Agent } from '../helpers/auth';
import { BrowserWalk } from '../helpers/browser';
import { tempDir } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { describePg } from '../helpers/postgres';
import { SheetRow, Stack, startStack } from '../helpers/stack';

const LUKOU = '株洲市渌口区信访局'; // 2026: a department sheet and two projects
const GUYUAN = '固原市信访局'; // 2021: four projects
const P1 = '安保信访维稳专项（含特护期京、郑、长、株等地）';
const P2 = '驻京维稳工作组专项';
const GUYUAN_P = '维稳经费';

interface Indicator {
  id: string;
  targetRaw: string;
  targetKind: string;
}

/** The to-do items of a home page: link, title and reason, in page order. */
function todoItems(html: string): { href: string; title: string; reason: string }[] {
  const out: { href: string; title: string; reason: string }[] = [];
  const re = /<a href="([^"]+)" class="todo-title">([^<]*)<\/a>\s*<p class="todo-reason">([^<]*)<\/p>/g;
  for (let m = re.exec(html); m; m = re.exec(html))
    out.push({ href: m[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'), title: m[2], reason: m[3] });
  return out;
}

/**
 * Each role's home is a to-do list of what waits for that person, with the reason in a sentence and one link to
 * each item; with two units, nobody sees the other unit's items. Unknown pages, refusals and missing records
 * answer an error page in the layout; the board shows overspending as red with its reason and every year.
 */
describePg('home to-do lists, error pages and the board', () => {
  let stack: Stack;
  let a: { dept: SheetRow; p1: SheetRow; p2: SheetRow };
  let b: { p: SheetRow; others: SheetRow[] };
  let bUsers: { reporter: Agent; head: Agent; evaluator: Agent };
  let bHeadName: string;
  let draftId: string;

  const indicators = async (sheetId: string): Promise<Indicator[]> =>
    (await stack.users.admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;

  /** a complete report: every indicator at its target, spending as given */
  const report = async (sheetId: string, amount: string, extra: Record<string, unknown> = {}) => ({
    spending: [{ source: '财政拨款', amount }],
    values: (await indicators(sheetId)).map((i) =>
      i.targetKind === 'qualitative'
        ? { indicatorId: i.id, grade: '达成年度指标' }
        : { indicatorId: i.id, value: i.targetRaw.replace(/^[^0-9０-９.]*/, '') },
    ),
    ...extra,
  });
  const submitQuarter = async (who: Agent, sheetId: string, period: string, amount: string, extra = {}) => {
    await who
      .put(`/api/actuals/sheets/${sheetId}/periods/${period}`)
      .send(await report(sheetId, amount, extra))
      .expect(200);
    await who.post(`/api/actuals/sheets/${sheetId}/periods/${period}/submit`).expect(201);
  };
  /** Q4 submitted and confirmed, scored, explained where needed and submitted for review by the head */
  const yearEnd = async (reporter: Agent, head: Agent, sheet: SheetRow, amount: string, extra = {}) => {
    await submitQuarter(reporter, sheet.id, 'Q4', amount, extra);
    await head.post(`/api/actuals/sheets/${sheet.id}/periods/Q4/confirm`).expect(201);
    const ev = await stack.scored(sheet.id);
    if (Number(amount) !== Number(sheet.budgetTotal))
      await reporter
        .put(`/api/evaluations/${sheet.id}/execution-explanation`)
        .send({ text: '年底追加专项支出，已按程序报批。' })
        .expect(200);
    // an explanation on every row: whatever the score, submission then never waits for one
    for (const row of ev.indicators as { indicatorId: string }[])
      await reporter
        .put(`/api/evaluations/${sheet.id}/indicators/${row.indicatorId}/explanation`)
        .send({ text: '已说明原因。改进措施：下年度按季度推进。', causeCategory: '其他' })
        .expect(200);
    await stack.scored(sheet.id);
    const res = await head.post(`/api/evaluations/${sheet.id}/submit`);
    if (res.status !== 201) throw new Error(`submit of ${sheet.name}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const home = async (who: Agent) => {
    const res = await who.get('/').expect(200);
    return { html: res.text, items: todoItems(res.text) };
  };

  beforeAll(async () => {
    stack = await startStack({
      seed: ['004', '002'],
      approve: true,
      periods: ['2026/Q1', '2026/Q4', '2021/Q2', '2021/Q4'],
      worker: true,
      listen: true,
      unit: (sheets) => sheets.find((s) => s.unit.name === LUKOU)!.unit.code,
      names: {
        reporter: { username: 'tianbao-a', displayName: '张填报' },
        head: { username: 'fuzeren-a', displayName: '李负责人' },
        evaluator: { username: 'pingshen-a', displayName: '王评审' },
        admin: { username: 'guanli', displayName: '财政管理员' },
      },
    });
    const { admin, reporter, head } = stack.users;
    a = {
      dept: stack.sheets.find((s) => s.unit.name === LUKOU && s.kind === 'department')!,
      p1: stack.sheet(P1),
      p2: stack.sheet(P2),
    };
    const guyuan = stack.sheets.filter((s) => s.unit.name === GUYUAN);
    b = { p: stack.sheet(GUYUAN_P), others: guyuan.filter((s) => s.name !== GUYUAN_P) };
    const bCode = b.p.unit.code;
    const bReporter = await stack.signIn('reporter', { unitCode: bCode, username: 'tianbao-b', displayName: '赵填报' });
    const bHead = await stack.signIn('head', { unitCode: bCode, username: 'fuzeren-b', displayName: '钱负责人' });
    const bEvaluator = await stack.signIn('evaluator', { username: 'pingshen-b', displayName: '孙评审' });
    await admin
      .put(`/api/users/${bEvaluator.user.id}/units`)
      .send({ unitCodes: [bCode] })
      .expect(200);
    bUsers = { reporter: bReporter.agent, head: bHead.agent, evaluator: bEvaluator.agent };
    bHeadName = bHead.user.displayName;

    // unit A: the department's Q1 submitted (waits for the head), P2's Q1 returned with a reason (waits for the
    // reporter), P1's year end at 110 % of its budget submitted for review (waits for the evaluator)
    await submitQuarter(reporter, a.dept.id, 'Q1', '1');
    await submitQuarter(reporter, a.p2.id, 'Q1', '1');
    await head
      .post(`/api/actuals/sheets/${a.p2.id}/periods/Q1/return`)
      .send({ reason: '支出数与账面不符' })
      .expect(201);
    const overspent = (Number(a.p1.budgetTotal) * 1.1).toFixed(2);
    await yearEnd(reporter, head, a.p1, overspent, { overspendExplanation: '特护期延长，追加安保支出。' });
    await stack.monitored(a.p1.id, 'Q4');
    // unit B: one project's year end submitted for review, another's Q2 submitted
    await yearEnd(bUsers.reporter, bUsers.head, b.p, b.p.budgetTotal ?? '0');
    await submitQuarter(bUsers.reporter, b.others[0].id, 'Q2', '0.5');

    // the administrator: a newly imported sheet awaiting approval, and a mail that could not be delivered
    await admin.post('/api/targets/import').attach('files', seedFile('000')).expect(201);
    draftId = (await admin.get('/api/targets/sheets').expect(200)).body.find(
      (s: { status: string }) => s.status === 'draft',
    ).id;
    const mails = stack.app.get(DataSource).getRepository(MailDeliveryEntity);
    await mails.save(
      mails.create({
        dedupeKey: 'reminder-test-1',
        recipient: 'nobody@example.gov.cn',
        subject: '【绩效自评】填报提醒',
        status: 'failed',
        messageId: '<reminder-test-1@selfeval.local>',
        error: '550 收件人不存在',
        attempts: 5,
        sentAt: null,
      }),
    );
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('reporter: open quarters with their deadline, the returned one with its reason; nothing of the other unit', async () => {
    const { items, html } = await home(stack.users.reporter);
    expect(html).not.toContain('目前没有待办事项');
    const returned = items.find((i) => i.href === `/sheets/${a.p2.id}/periods/Q1`);
    expect(returned?.reason).toMatch(
      /^一季度报告被单位负责人退回：支出数与账面不符，请修改后在 \d+月\d+日 前重新提交$/,
    );
    const open = items.find((i) => i.href === `/sheets/${a.dept.id}/periods/Q4`);
    expect(open?.reason).toMatch(/^四季度报告待填报，截止 \d+月\d+日$/);
    // submitted ones wait for nobody here; the other unit's sheets never show
    expect(items.map((i) => i.href)).not.toContain(`/sheets/${a.dept.id}/periods/Q1`);
    const bIds = [b.p, ...b.others].map((s) => s.id);
    expect(items.filter((i) => bIds.some((id) => i.href.includes(id)))).toEqual([]);
    expect(items.every((i) => i.title.startsWith(LUKOU))).toBe(true);
  });

  it('head: the submitted quarter to confirm; the other unit head sees its own and not this one', async () => {
    const { items } = await home(stack.users.head);
    expect(items).toContainEqual({
      href: `/sheets/${a.dept.id}/periods/Q1`,
      title: `${LUKOU} · 2026 年 部门整体支出 · 一季度（1–3月）`,
      reason: '一季度报告已提交，待您确认或退回',
    });
    // the returned report waits for the reporter, not the head
    expect(items.map((i) => i.href)).not.toContain(`/sheets/${a.p2.id}/periods/Q1`);
    expect(items.every((i) => i.title.startsWith(LUKOU))).toBe(true);
    const other = await home(bUsers.head);
    expect(other.items.map((i) => i.href)).toEqual([`/sheets/${b.others[0].id}/periods/Q2`]);
    expect(other.items[0].reason).toBe('二季度报告已提交，待您确认或退回');
    expect(bHeadName).toBe('钱负责人');
  });

  it('evaluator: only the assigned unit’s submitted self-evaluation', async () => {
    const mine = await home(stack.users.evaluator);
    expect(mine.items.map((i) => i.href)).toEqual([`/sheets/${a.p1.id}/evaluation`]);
    expect(mine.items[0].reason).toMatch(/^年度自评已提交，待评审（自评得分 [\d.]+）$/);
    const theirs = await home(bUsers.evaluator);
    expect(theirs.items.map((i) => i.href)).toEqual([`/sheets/${b.p.id}/evaluation`]);
  });

  it('admin: the failed mail with its reason, the draft sheet to its approval page, open periods', async () => {
    const { items, html } = await home(stack.users.admin);
    expect(items.find((i) => i.href.startsWith('/admin/mail'))).toMatchObject({
      title: '【绩效自评】填报提醒 → nobody@example.gov.cn',
      reason: '邮件发送失败：550 收件人不存在',
    });
    expect(items.find((i) => i.href === `/admin/sheets/${draftId}`)?.reason).toBe('新导入的目标表待审核批复');
    expect(html).toContain('发送失败的邮件（1）');
    // the sheets below the list are still there
    expect(html).toContain('<h2>绩效目标表</h2>');
  });

  it('every item of every role is one click from a page that answers 200', async () => {
    const agents = [
      stack.users.reporter,
      stack.users.head,
      stack.users.evaluator,
      stack.users.admin,
      ...Object.values(bUsers),
    ];
    let clicked = 0;
    for (const who of agents)
      for (const item of (await home(who)).items) {
        const res = await who.get(item.href.replace(/#.*$/, ''));
        expect([item.href, res.status]).toEqual([item.href, 200]);
        clicked++;
      }
    expect(clicked).toBeGreaterThan(8);
    const mail = await stack.users.admin.get('/admin/mail').expect(200);
    expect(mail.text).toContain('550 收件人不存在');
    await stack.users.reporter.get('/admin/mail').expect(403);
  });

  it('an empty list says so', async () => {
    const { agent } = await stack.signIn('evaluator', { username: 'pingshen-c' });
    const { html, items } = await home(agent);
    expect(items).toEqual([]);
    expect(html).toContain('目前没有待办事项');
  });

  it('error pages: unknown address 404, forbidden 403, another unit’s record 404 — in the layout, Chinese, with 首页; /api stays JSON', async () => {
    const { reporter } = stack.users;
    for (const [url, status, heading] of [
      ['/no-such-page', 404, '找不到该页面'],
      ['/admin/users', 403, '无权访问'],
      [`/sheets/${b.p.id}/evaluation`, 404, '找不到该页面'],
      ['/sheets/not-an-id/evaluation', 404, '找不到该页面'],
    ] as const) {
      const res = await reporter.get(url);
      expect([url, res.status]).toEqual([url, status]);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(`<h1>${heading}</h1>`);
      expect(res.text).toContain('<nav aria-label="主导航">');
      expect(res.text).toContain('<a href="/" class="button">返回首页</a>');
      expect(res.text).toContain('张填报（填报人）');
      expect(res.text).toContain(`错误代码 ${status}`);
      expect(res.text).not.toMatch(/Cannot GET|Not Found|Forbidden|Exception|statusCode|at .*\.ts:\d+/);
    }
    const api = await reporter.get('/api/nope').expect(404);
    expect(api.headers['content-type']).toMatch(/json/);
    // a signed-out visitor of a page is still sent to sign in; an unknown address is a 404 page without navigation
    const { default: request } = await import('supertest');
    const anon = request(stack.app.getHttpServer());
    const signIn = await anon.get('/admin/users').expect(303);
    expect(signIn.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
    const unknown = await anon.get('/no-such-page').expect(404);
    expect(unknown.text).toContain('<h1>找不到该页面</h1>');
    expect(unknown.text).not.toContain('主导航');
  });

  it('board: 110 % spent at year end is red with the reason, every year with sheets is listed, the unit once per row', async () => {
    const res = await stack.users.admin.get('/board?year=2026&period=Q4').expect(200);
    const row = res.text.split('<tr').find((r) => r.includes(`/sheets/${a.p1.id}/periods/Q4`))!;
    expect(row).toContain('light-red');
    expect(row).toContain('红灯');
    expect(row).toMatch(/超预算：累计执行 [\d.]+ 万元，超过全年预算 [\d.]+ 万元（执行率 110%）/);
    expect(row.split('资金预警')[1].split('</td>')[0]).not.toContain('绿灯');
    expect(row.split(LUKOU).length - 1).toBe(1);
    // the unit imported without a code is not printed as “name name” among those that have not reported
    const missing = /未报送：([^<]*)</.exec(res.text)?.[1] ?? '';
    expect(missing.split(LUKOU).length - 1).toBe(1);
    const years = [...res.text.matchAll(/<option[^>]*value="(\d{4})"/g)].map((m) => Number(m[1]));
    expect(years).toEqual(expect.arrayContaining([2026, 2021]));
    // a board year without a chosen one: this year's sheets (2026), never an empty board for a year without them
    const plain = await stack.users.admin.get('/board').expect(200);
    expect(plain.text).toContain(P1);
  });

  it('each role’s home and the error page in Chromium at desk and phone sizes', async () => {
    const walk = await BrowserWalk.open(stack.url, 'home');
    try {
      for (const [username, name] of [
        ['tianbao-a', 'reporter'],
        ['fuzeren-a', 'head'],
        ['pingshen-a', 'evaluator'],
        ['guanli', 'admin'],
      ]) {
        await walk.page.deleteCookie(...(await walk.page.cookies()));
        await walk.signIn(username);
        expect(walk.path()).toBe('/');
        expect(await walk.has('.todo-list li')).toBe(true);
        expect(await walk.phoneOverflow()).toBeLessThanOrEqual(0);
        await walk.shot(name);
        if (name === 'admin') {
          await walk.go('/board?year=2026&period=Q4');
          await walk.shot('board');
          await walk.go('/admin/mail');
          await walk.shot('mail');
          // a refused upload comes back to the form by a redirect: the CSRF token of the multipart POST's
          // address is not where the user ends up
          await walk.go('/admin/import');
          const bad = path.join(tempDir(), '乱码.txt');
          fs.writeFileSync(bad, Buffer.from([0xcf, 0xee, 0xc4, 0xbf, 0x09, 0xbc, 0xd7]));
          await walk.upload('#files', bad);
          await walk.submit('form[enctype] button');
          expect(walk.page.url()).toBe(`${stack.url}/admin/import`);
          expect(await walk.text('#files-error')).toContain('乱码.txt');
          // the queue board names its queues in Chinese, in its sidebar too
          await walk.go(`/admin/queues/queue/${encodeURIComponent('通知')}`);
          await walk.page.waitForFunction(
            () => ['自评打分', '报告生成', '双监控'].every((t) => document.body.innerText.includes(t)),
            { timeout: 20_000 },
          );
          const board = await walk.text('body');
          expect(board).not.toMatch(/\b(monitoring|scoring|reports|mail|system|send-reminders)\b/);
          await walk.shot('queues');
        }
        if (name === 'reporter') {
          await walk.go('/no-such-page');
          expect(await walk.text('h1')).toBe('找不到该页面');
          await walk.shot('not-found');
          await walk.submit('main a[href="/"]');
          expect(walk.path()).toBe('/');
        }
      }
    } finally {
      await walk.close();
    }
  });
});
