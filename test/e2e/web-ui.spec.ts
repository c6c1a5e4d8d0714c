import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsersService } from '@selfeval/auth';
import { TEST_PASSWORD } from '../helpers/auth';
import { ARTIFACTS, BrowserWalk } from '../helpers/browser';
import { seedFile } from '../helpers/fixtures';
import { pdfText } from '../helpers/pdf';
import { describePg } from '../helpers/postgres';
import { NAMED_PEOPLE, Stack, startStack } from '../helpers/stack';

const PROJECT = '驻京维稳工作组专项';
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

interface Indicator {
  id: string;
  name: string;
  targetRaw: string;
  targetKind: string;
}

/** The whole cycle in real Chromium against the real app and a real worker: no API shortcuts after setup. */
describePg('web UI in a real browser: reporter → head → evaluator → PDF', () => {
  let stack: Stack;
  let walk: BrowserWalk;
  let sheetId: string;
  let otherUnitSheetId: string;
  let indicators: Indicator[];

  /** serious and critical axe-core findings on every page shown, one line each (checked by the last test) */
  const a11y = new Map<string, string>();
  const audited = new Set<string>();
  const audit = async () => {
    const where = new URL(walk.page.url()).pathname.replace(/[0-9a-f-]{36}/g, ':id');
    // bull-board's dashboard is a third-party app; its markup is not ours to fix
    if (where.startsWith('/admin/queues')) return;
    // evaluated over DevTools, which the page's CSP does not restrict: the CSP under test stays as it is
    await walk.page.evaluate(AXE_SOURCE);
    audited.add(where);
    const violations = await walk.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await axe.run()).violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String) })),
      }));
    });
    for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
      a11y.set(
        `${where} ${v.id}`,
        `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
  };
  async function fillQuarter(period: string, spent: string, value: (i: Indicator) => string) {
    await walk.go(`/sheets/${sheetId}/periods/${period}`);
    await walk.fill('#spend_0', spent);
    for (const i of indicators) {
      if (i.targetKind === 'qualitative') await walk.page.select(`#grade_${i.id}`, '达成年度指标');
      else await walk.fill(`#value_${i.id}`, value(i));
    }
  }

  beforeAll(async () => {
    stack = await startStack({
      seed: ['004', '003'],
      approve: true,
      periods: ['2026/Q1', '2026/Q4'],
      worker: true,
      listen: true,
      unit: (sheets) => sheets.find((s) => s.name === PROJECT)!.unit.code,
      names: NAMED_PEOPLE,
    });
    const sheet = stack.sheets.find((s) => s.name === PROJECT)!;
    sheetId = sheet.id;
    otherUnitSheetId = stack.sheets.find((s) => s.unit.code !== sheet.unit.code)!.id;
    const { admin } = stack.users;
    await admin.put(`/api/units/${sheet.unit.code}/contact`).send({ email: 'lukou@example.gov.cn' }).expect(200);
    indicators = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;
    walk = await BrowserWalk.open(stack.url, 'ui');
    walk.afterLoad = audit;
  }, 120_000);
  afterAll(async () => {
    await walk?.close();
    await stack?.close();
  });

  it('signs in from the login page; a wrong password is refused in Chinese', async () => {
    await walk.go('/');
    expect(walk.page.url()).toBe(`${walk.base}/login?next=%2F`);
    await walk.page.type('#username', 'tianbao');
    await walk.page.type('#password', 'wrong-password-1');
    await walk.submit('button[type=submit]');
    expect(await walk.text('[role=alert]')).toBe('用户名或密码不正确');
    await walk.shot('login-error');
    await walk.fill('#password', TEST_PASSWORD);
    await walk.submit('button[type=submit]');
    expect(walk.page.url()).toBe(`${walk.base}/`);
    expect(await walk.text('h1')).toBe('您好，张填报');
    await walk.shot('home-reporter');
  });

  it('keeps every field labelled and the skip link first in keyboard order', async () => {
    await walk.go(`/sheets/${sheetId}/periods/Q1`);
    const unlabelled = await walk.page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
      els
        .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label'))
        .map((e) => e.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    await walk.page.keyboard.press('Tab');
    expect(await walk.page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');
  });

  it('shows a bad value inline next to its field and stores nothing', async () => {
    await fillQuarter('Q1', '15', (i) => i.targetRaw.replace(/^[≥≤=]/, ''));
    const bad = indicators.find((i) => i.targetKind === 'quantitative')!;
    await walk.fill(`#value_${bad.id}`, '很多');
    await walk.submit('button[value=submit]');
    expect(await walk.page.$eval(`#value_${bad.id}`, (e) => e.getAttribute('aria-invalid'))).toBe('true');
    expect(await walk.text(`#err_${bad.id}`)).toContain(bad.name);
    expect(await walk.text('#report-status')).toBe('未填报');
    await walk.shot('quarter-error');
  });

  it('reporter saves a Q1 draft, uploads evidence, submits; the head confirms it', async () => {
    await fillQuarter('Q1', '15', (i) => i.targetRaw.replace(/^[≥≤=]/, ''));
    await walk.submit('button[value=save]');
    expect(await walk.text('#report-status')).toBe('草稿');
    const evidence = path.join(ARTIFACTS, '考勤表.pdf');
    fs.writeFileSync(evidence, '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    await walk.upload('#evidence', evidence);
    await walk.submit('#evidence-form button');
    expect(await walk.text('[role=status]')).toBe('佐证材料已上传。');
    expect(await walk.text('.card ul')).toContain('考勤表.pdf');
    // the draft's values are on the form again: submit them as they are
    await walk.submit('button[value=submit]');
    expect(await walk.text('#report-status')).toBe('已提交');
    await walk.shot('quarter-submitted');
    await walk.signOut();
    await walk.signIn('fuzeren');
    await walk.go(`/sheets/${sheetId}/periods/Q1`);
    await walk.submit('button[value=confirm]');
    expect(await walk.text('#report-status')).toBe('已确认');
    await walk.signOut();
  });

  it('reporter fills the year end with one shortfall and explains it; the head submits the self-evaluation', async () => {
    await walk.signIn('tianbao');
    const short = indicators.find((i) => i.targetKind === 'quantitative' && /^≥\d+%$/.test(i.targetRaw))!;
    await fillQuarter('Q4', '57', (i) =>
      i === short ? `${Number(i.targetRaw.slice(1, -1)) - 5}%` : i.targetRaw.replace(/^[≥≤=]/, ''),
    );
    await walk.submit('button[value=submit]');
    expect(await walk.text('#report-status')).toBe('已提交');
    // scores arrive from the worker
    await stack.scored(sheetId);
    await walk.go(`/sheets/${sheetId}/evaluation`);
    expect(await walk.page.$eval(`#explanation_${short.id}`, (e) => e.getAttribute('aria-invalid'))).toBe('true');
    await walk.page.type(
      `#explanation_${short.id}`,
      '部分劝返对象异地滞留。改进措施：2027年一季度前建立属地协作机制。',
    );
    await walk.page.select(`#cause_${short.id}`, '政策或外部变化');
    await walk.submit('#save-evaluation');
    await walk.shot('evaluation-reporter');
    await walk.signOut();
    await walk.signIn('fuzeren');
    await walk.go(`/sheets/${sheetId}/periods/Q4`);
    await walk.submit('button[value=confirm]');
    await stack.scored(sheetId);
    await walk.go(`/sheets/${sheetId}/evaluation`);
    await walk.submit('#submit-evaluation');
    expect(await walk.text('#evaluation-status')).toBe('已提交');
    await walk.signOut();
  });

  it('the evaluator changes a score, approves, generates the report and downloads the PDF', async () => {
    await walk.signIn('pingshen');
    // the home is the evaluator's to-do list: the one self-evaluation waiting for review
    expect(await walk.text('h2')).toMatch(/^待办事项（1）$/);
    expect(await walk.text('.todo h3')).toMatch(/^待评审的年度自评（1）$/);
    await walk.shot('home-evaluator');
    await walk.go(`/sheets/${sheetId}/evaluation`);
    const selfTotal = await walk.text('#self-total');
    const target = indicators.find((i) => i.targetKind === 'quantitative')!;
    await walk.fill(`#review_${target.id}`, '1');
    await walk.page.type(`#comment_${target.id}`, '佐证材料不足');
    await walk.shot('evaluation-review');
    await walk.submit('button[value=approve]');
    expect(await walk.text('#evaluation-status')).toBe('审核通过');
    const reviewed = await walk.text('#reviewed-total');
    expect(reviewed).not.toBe(selfTotal);
    await walk.submit('form[action$="/evaluation/report"] button');
    await stack.rendered(sheetId); // the page queued the render job; the link serves what it stored
    const href = await walk.page.$eval('#download-project-self-eval-pdf', (a) => (a as HTMLAnchorElement).href);
    const res = await fetch(href, { headers: { cookie: await walk.cookieHeader() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    fs.writeFileSync(path.join(ARTIFACTS, 'ui-downloaded-report.pdf'), pdf);
    const t = pdfText(pdf);
    expect(t).toContain('驻京维稳工作组专项');
    expect(t).toMatch(new RegExp(`总分\\s+100\\.00\\s+${reviewed.replace('.', '\\.')}`));
    expect(t).toContain('得分栏含评审人复核后的得分');
  });

  it('administrator pages: periods, users with a one-time password, import with preview, board, queues', async () => {
    await walk.signOut();
    await stack.app
      .get(UsersService)
      .create({ username: 'caizheng', displayName: '财政管理员', role: 'admin', password: TEST_PASSWORD });
    await walk.signIn('caizheng');
    await walk.go('/admin/periods');
    await walk.page.type('#year', '2026');
    await walk.page.select('#period', 'Q2');
    await walk.page.type('#opensAt', '2026-07-01');
    await walk.page.type('#closesAt', '2026-07-15');
    await walk.submit('form[action="/admin/periods"] button');
    expect(
      await walk.page.$$eval('tbody tr', (rows) =>
        rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
      ),
    ).toContain('2026 二季度（1–6月） 2026-07-01 2026-07-15');
    await walk.shot('admin-periods');

    await walk.go('/admin/users');
    await walk.page.type('#username', 'xin.tianbao');
    await walk.page.type('#displayName', '新填报人');
    await walk.page.select('#role', 'reporter');
    await walk.page.select('#unitCode', '501');
    await walk.submit('form[action="/admin/users"] button');
    expect(await walk.text('[role=status]')).toMatch(/^已创建用户 xin\.tianbao，一次性密码：[A-Za-z0-9]{14}/);
    await walk.shot('admin-users');

    await walk.go('/admin/import');
    await walk.upload('#files', seedFile('000'));
    await walk.submit('form[enctype] button');
    expect(await walk.text('h2')).toMatch(/^预览：\d+ 张表（尚未保存）$/);
    await walk.shot('admin-import-preview');
    await walk.submit('form[action="/admin/import/confirm"] button');
    expect(await walk.text('[role=status]')).toMatch(/^已保存：新建 \d+ 张/);

    await walk.go('/board?year=2026&period=Q1');
    expect(await walk.page.$$eval('tbody tr', (r) => r.length)).toBeGreaterThan(0);
    await walk.shot('board');
    // BullMQ's dashboard (bull-board), in Chinese, rendered by its own scripts under selfeval's CSP
    await walk.go('/admin/queues');
    await walk.page.waitForFunction(
      () => ['自评打分', '报告生成', '通知'].every((t) => document.body.innerText.includes(t)),
      {
        timeout: 20_000,
      },
    );
    await walk.shot('admin-queues');
    await walk.go('/'); // back to selfeval's pages (the dashboard has no sign-out form)
  });

  it("never shows another unit's data, even by URL", async () => {
    await walk.signOut();
    await walk.signIn('tianbao');
    const res = await walk.page.goto(`${walk.base}/sheets/${otherUnitSheetId}/periods/Q1`);
    expect(res?.status()).toBe(404);
    expect(await walk.text('[role=alert]')).toBe('找不到该内容，或您无权查看');
    await audit();
    const home = await walk.page.goto(`${walk.base}/`);
    expect(home?.status()).toBe(200);
    expect(await walk.page.content()).not.toContain('馆陶县信访局');
    await walk.shot('not-found');
  });

  it('has no serious or critical accessibility violation (axe-core) on any page it showed', async () => {
    // the account pages the cycle above does not pass through
    await walk.go('/password');
    await walk.signOut();
    await walk.go('/password-reset');
    await walk.go('/password-reset?token=not-a-real-token');
    // every walk.go() and walk.submit() ran axe: sign-in, home pages, quarter, evaluation, admin, account, error pages
    expect([...audited].sort()).toEqual(
      expect.arrayContaining([
        '/',
        '/login',
        '/sheets/:id/periods/Q1',
        '/sheets/:id/evaluation',
        '/admin/users',
        '/board',
        '/password',
        '/password-reset',
      ]),
    );
    expect([...a11y.values()].sort()).toEqual([]);
  });
});
