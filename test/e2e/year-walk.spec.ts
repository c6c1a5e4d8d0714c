import * as fs from 'node:fs';
import * as path from 'node:path';
import { Queue } from '@selfeval/jobs';
import { BrowserWalk, deadEndSigns } from '../helpers/browser';
import { removeTempDirs, tempDir } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { pdfFonts, pdfText, savePage1Png } from '../helpers/pdf';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

/** The two units of the walk: their published 绩效目标表 (demo/seeds), named as a finance office would file them. */
const LUKOU = { seed: '004', file: '渌口区信访局2026年绩效目标表.txt', unit: '株洲市渌口区信访局', year: 2026 };
const YUANJIANG = { seed: '000', file: '沅江市信访局2024年绩效目标表.txt', unit: '沅江市信访局', year: 2024 };
const UNITS = [LUKOU, YUANJIANG] as const;
type Unit = (typeof UNITS)[number];
const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
const NEW_PASSWORD = 'Walk-pass-2026';

/** Who works in the pages (the administrator is created by the stack; everyone else on the users page). */
const PEOPLE = {
  lukouReporter: { username: 'lk.tianbao', name: '刘填报', role: 'reporter', unit: LUKOU },
  lukouHead: { username: 'lk.fuzeren', name: '罗负责人', role: 'head', unit: LUKOU },
  yjReporter: { username: 'yj.tianbao', name: '杨填报', role: 'reporter', unit: YUANJIANG },
  yjHead: { username: 'yj.fuzeren', name: '易负责人', role: 'head', unit: YUANJIANG },
  evaluator: { username: 'pingshen', name: '王评审', role: 'evaluator', unit: null },
} as const;
type Person = keyof typeof PEOPLE;

/** A 年度指标值 as the quarterly page prints it: operator, number, unit (qualitative ones have no number). */
function readTarget(raw: string) {
  const n = /(-?\d+(?:\.\d+)?)/.exec(raw.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
  if (!n) return null;
  const le = /≤|≦|<=|不超过|以下|不高于/.test(raw);
  const ge = /≥|≧|>=|以上|不低于|不少于/.test(raw);
  const percent = /%|百分比/.test(raw);
  return { value: Number(n[1]), le, ge, percent };
}

/** A cumulative value for quarter q: counts and money grow through the year, rates are rates. */
function plausible(raw: string, q: number): string {
  const t = readTarget(raw);
  if (!t) return '';
  if (t.percent || !(t.ge || t.le)) return String(t.value);
  return String(Math.round(((t.value * q) / 4) * 100) / 100);
}

/**
 * The whole year for two units, as the four kinds of user live it, through the pages only (docs/domain.md §1):
 * the administrator imports and approves the 绩效目标表, sets periods, users and the evaluator's units; Q1–Q3 are
 * filled, returned (with and without a reason) and confirmed; a 目标调整 mid-year; Q4 with an overspend and with
 * 执行率 below 90%; the year-end evaluation, report text, review (a score above 分值, returns), approval; the
 * report generated and downloaded. After every step the page must be no error page and still show the form the
 * user was on or the page the action leads to; every distinct page is photographed at desk and phone size.
 */
describePg('a whole year through the pages, two units, four roles', () => {
  let stack: Stack;
  let w: BrowserWalk;
  let dir: string;
  const oneTime = new Map<Person, string>();
  const changed = new Set<Person>();
  /** the approved department sheet of each unit (the walk's sheets), and the 目标调整 version */
  const sheetOf = new Map<Unit, string>();
  let adjustedId = '';
  const shotNames = new Set<string>();
  const started = Date.now();

  /** no dead end: not an error page, nothing raw, and the form (or the page the action leads to) is there */
  const onForm = (selector: string) => w.onForm(selector);
  /** every distinct page at both sizes; on the phone nothing is wider than the screen */
  async function shot(name: string) {
    expect(shotNames.has(name)).toBe(false);
    shotNames.add(name);
    await w.shot(name);
    expect(await w.phoneOverflow()).toBeLessThanOrEqual(0);
  }
  const text = (selector: string) => w.text(selector);
  /** types at the end of what a box already holds (a click after the last character, then typing) */
  async function append(selector: string, typed: string) {
    await w.page.$eval(selector, (e) => {
      const box = e as HTMLTextAreaElement;
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    });
    await w.page.keyboard.type(typed);
  }
  const value = (selector: string) => w.value(selector);
  const rows = (selector: string) =>
    w.page.$$eval(`${selector} tbody tr`, (trs) => trs.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ')));
  /** clicks a button or link and waits for the page; a refusal's status is given, anything else must succeed */
  async function click(selector: string, status?: number) {
    const got = await w.submit(selector);
    if (status) expect(got).toBe(status);
    else expect(got).toBeLessThan(300);
  }
  const go = async (url: string) => expect(await w.go(url)).toBe(200);
  /** follows the link whose text (or hidden label) contains `label`, as a person clicks it */
  async function follow(label: string, within = 'main') {
    const links = await w.page.$$(`${within} a`);
    for (const a of links) {
      const t = await a.evaluate((e) => (e as HTMLElement).textContent ?? '');
      if (t.includes(label)) {
        const [res] = await Promise.all([w.page.waitForNavigation({ waitUntil: 'load' }), a.click()]);
        expect(res?.status()).toBe(200);
        return;
      }
    }
    throw new Error(`no link “${label}” on ${w.page.url()}`);
  }

  /** what a click on a download link fetches, with the browser's own session: a PDF */
  async function download(href: string): Promise<Buffer> {
    const got = await w.page.evaluate(async (url) => {
      const res = await fetch(url);
      const bytes = new Uint8Array(await res.arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      return { status: res.status, type: res.headers.get('content-type'), body: btoa(bin) };
    }, href);
    expect(got.status).toBe(200);
    expect(got.type).toMatch(/^application\/pdf/);
    const pdf = Buffer.from(got.body, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    return pdf;
  }

  async function signIn(who: Person | 'admin') {
    if (await w.has('form.who button')) await w.signOut();
    if (who === 'admin') {
      await w.signIn('caizheng');
      await onForm('nav');
      return;
    }
    const p = PEOPLE[who];
    if (changed.has(who)) {
      await w.signIn(p.username, NEW_PASSWORD);
      await onForm('nav');
      return;
    }
    // first sign-in: the one-time password must be changed before anything else
    await w.signIn(p.username, oneTime.get(who));
    expect(w.path()).toBe('/password');
    await onForm('form[action="/password"]');
    await w.fill('#currentPassword', oneTime.get(who)!);
    await w.fill('#newPassword', NEW_PASSWORD);
    await w.fill('#confirmPassword', NEW_PASSWORD);
    await click('form[action="/password"] button');
    expect(w.path()).toBe('/');
    changed.add(who);
    await onForm('nav');
  }

  /** the quarterly page of the unit's sheet, reached from the home page as the unit's users reach it */
  async function openQuarter(unit: Unit, q: string, sheetId = sheetOf.get(unit)!) {
    await go('/');
    const link = `a[href="/sheets/${sheetId}/periods/${q}"]`;
    expect(await w.has(link)).toBe(true);
    await click(link);
    await onForm('#quarter-form');
  }

  /** every box of the quarterly form, by what the page says: the target beside it decides the value */
  async function fillQuarter(q: number, special: Record<string, string> = {}) {
    const boxes = await w.page.$$eval('#quarter-form tbody tr', (trs) =>
      trs.map((tr) => ({
        name: tr.querySelector('th')?.textContent?.trim() ?? '',
        target: tr.querySelector('td')?.textContent?.trim() ?? '',
        value: tr.querySelector('input[id^=value_]')?.id ?? null,
        grade: tr.querySelector('select[id^=grade_]')?.id ?? null,
      })),
    );
    expect(boxes.length).toBeGreaterThan(5);
    for (const b of boxes) {
      const own = Object.entries(special).find(([n]) => b.name.includes(n))?.[1];
      if (b.grade) await w.page.select(`#${b.grade}`, own ?? '达成年度指标');
      else if (b.value) await w.fill(`#${b.value}`, own ?? plausible(b.target, q));
    }
    return boxes;
  }

  beforeAll(async () => {
    stack = await startStack({
      worker: true,
      listen: true,
      names: { admin: { username: 'caizheng', displayName: '财政局管理员' } },
    });
    dir = tempDir();
    for (const u of UNITS) fs.copyFileSync(seedFile(u.seed), path.join(dir, u.file));
    w = await BrowserWalk.open(stack.url, 'year');
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await stack?.close();
    removeTempDirs();
  });

  it('1. the administrator imports and approves both units’ tables, opens the periods, creates the users and assigns the evaluator', async () => {
    await signIn('admin');
    await shot('admin-home');
    await follow('导入目标表', 'nav');
    await onForm('#files');
    await shot('import');
    await w.upload('#files', ...UNITS.map((u) => path.join(dir, u.file)));
    await click('form[enctype] button');
    await onForm('form[action="/admin/import/confirm"]');
    expect(await text('h2')).toMatch(/^预览：\d+ 张表（尚未保存）$/);
    await shot('import-preview');
    await click('form[action="/admin/import/confirm"] button');
    await onForm('#imported');
    expect(await text('[role=status]')).toMatch(/^已保存：新建 5 张/);
    await shot('import-done');
    // every imported table approved from the import result, as the administrator checks each
    const links = await w.page.$$eval('#imported tbody tr', (trs) =>
      trs.map((tr) => ({
        text: (tr as HTMLElement).innerText,
        href: tr.querySelector('a')?.getAttribute('href') ?? '',
      })),
    );
    expect(links).toHaveLength(5);
    for (const [k, l] of links.entries()) {
      await go(l.href);
      await onForm('#approve-form');
      if (k === 0) await shot('sheet-first-version');
      await click('#approve-form button');
      await onForm('#sheet-status');
      expect(await text('#sheet-status')).toBe('审核通过');
      for (const u of UNITS)
        if (l.text.includes(u.unit) && l.text.includes('部门整体')) sheetOf.set(u, l.href.split('/').pop()!);
    }
    await shot('sheet-approved');
    expect(sheetOf.size).toBe(2);

    // the reporting periods of both years: open from yesterday to tomorrow (Beijing dates), in the year's order
    await follow('报告期', 'nav');
    await onForm('#period-form');
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const u of UNITS)
      for (const q of QUARTERS) {
        await w.fill('#year', String(u.year));
        await w.page.select('#period', q);
        await w.fill('#opensAt', day(-1));
        await w.fill('#closesAt', day(1));
        await click('#period-form button');
        await onForm('#period-form');
      }
    expect(await rows('#period-list')).toHaveLength(8);
    await shot('periods');

    // the users: each unit's 填报人 and 单位负责人, and one evaluator for both units
    await follow('用户与分配', 'nav');
    await onForm('#user-form');
    for (const [key, p] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
      await w.fill('#username', p.username);
      await w.fill('#displayName', p.name);
      await w.page.select('#role', p.role);
      if (p.unit) {
        const options = await w.page.$$eval('#unitCode option', (os) =>
          os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']),
        );
        await w.page.select('#unitCode', options.find(([, label]) => label.startsWith(p.unit.unit))![0]);
      }
      await click('#user-form button');
      await onForm('#user-form');
      oneTime.set(key, await text('.otp'));
    }
    await shot('users');
    const assign = await w.page.$eval('form.assign-form', (f) => `#${f.id}`);
    for (const u of UNITS) {
      const box = await w.page.$$(`${assign} label.check`);
      for (const label of box)
        if ((await label.evaluate((e) => e.textContent ?? '')).includes(u.unit))
          await (await label.$('input'))!.click();
    }
    await click(`${assign} button`);
    await onForm(assign);
    expect(await text(`${assign} [role=status]`)).toBe('已保存分配。');
    // reopened: the units already assigned show ticked
    await go('/admin/users');
    await onForm(assign);
    const ticked = await w.page.$$eval(`${assign} label.check`, (ls) =>
      ls.filter((l) => (l.querySelector('input') as HTMLInputElement).checked).map((l) => l.textContent?.trim()),
    );
    expect(ticked.sort()).toEqual(UNITS.map((u) => u.unit).sort());
    await shot('users-assigned');
  });

  it('2. Q1–Q3: each unit fills and submits, the head confirms; one return with a reason, one refused without', async () => {
    for (const [qi, q] of (['Q1', 'Q2'] as const).entries()) {
      for (const u of UNITS) {
        const [reporter, head] =
          u === LUKOU ? (['lukouReporter', 'lukouHead'] as const) : (['yjReporter', 'yjHead'] as const);
        await signIn(reporter);
        if (qi === 0 && u === LUKOU) await shot('reporter-home');
        await openQuarter(u, q);
        await w.fill('#spend_0', String(u === LUKOU ? 60 * (qi + 1) : 45 * (qi + 1)));
        await fillQuarter(qi + 1);
        if (qi === 0 && u === LUKOU) await shot('quarter-filled');
        await click('button[value=submit]');
        await onForm('#quarter-form');
        expect(await text('#report-status')).toBe('已提交');

        await signIn(head);
        await openQuarter(u, q);
        await onForm('#decision-form');
        if (q === 'Q1' && u === LUKOU) {
          // the head returns without a reason: refused beside the box, the typed nothing kept, nothing changed
          await click('button[value=return]', 422);
          await onForm('#decision-form');
          expect(await text('#reason-error')).toBe('退回须填写原因');
          expect(await text('#report-status')).toBe('已提交');
          await shot('head-return-refused');
          await w.fill('#reason', '一季度累计执行数与账面不符，请核对后重报');
          await click('button[value=return]');
          await onForm('#quarter-form');
          expect(await text('#report-status')).toBe('已退回');
          expect(await text('#return-reason')).toContain('一季度累计执行数与账面不符');
          await shot('head-returned');
          // the reporter corrects and submits again
          await signIn(reporter);
          await openQuarter(u, q);
          expect(await text('#return-reason')).toContain('一季度累计执行数与账面不符');
          await w.fill('#spend_0', '58.5');
          await click('button[value=submit]');
          expect(await text('#report-status')).toBe('已提交');
          await signIn(head);
          await openQuarter(u, q);
        }
        await click('button[value=confirm]');
        await onForm('#decision-form');
        expect(await text('#report-status')).toBe('已确认');
        if (q === 'Q1' && u === LUKOU) await shot('head-confirmed');
      }
    }
  });

  it('3. 目标调整 mid-year: a changed table for 渌口, its differences reviewed and approved; Q3 asks for the new indicator', async () => {
    const seed = fs.readFileSync(seedFile(LUKOU.seed), 'utf8');
    const lines = seed.split('\n');
    const at = lines.findIndex((l) => l.includes('网上来信、来访及网上投诉\t≥\t300\t'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at].replace('\t300\t', '\t320\t');
    lines.splice(at + 1, 0, '\t\t信访积案化解\t≥\t12\t件\t反映信访积案化解情况\t');
    const file = path.join(dir, '渌口区信访局2026年绩效目标表（调整）.txt');
    fs.writeFileSync(file, lines.join('\n'));

    await signIn('admin');
    await follow('导入目标表', 'nav');
    await w.upload('#files', file);
    await click('form[enctype] button');
    await onForm('form[action="/admin/import/confirm"]');
    await click('form[action="/admin/import/confirm"] button');
    await onForm('#imported');
    expect(await text('[role=status]')).toBe('已保存：新建 0 张，新版本（目标调整）1 张，未变化 2 张。');
    await follow('目标表批复', 'nav');
    await onForm('#sheet-list');
    const adjusted = (await rows('#sheet-list')).find((r) => r.includes('部门整体'));
    expect(adjusted).toContain('第 2 版（目标调整）');
    await shot('sheets-awaiting');
    await follow('核对并批复');
    await onForm('#approve-form');
    adjustedId = w.path().split('/').pop()!;
    expect(await rows('#changed-indicators')).toEqual([
      expect.stringMatching(/网上来信、来访及网上投诉.*≥300件 → ≥320件/),
    ]);
    expect(await rows('#added-indicators')).toEqual([expect.stringMatching(/^信访积案化解 .*≥12件$/)]);
    await shot('adjustment-differences');
    await click('#approve-form button');
    await onForm('#sheet-status');
    expect(await text('#sheet-status')).toBe('审核通过');

    // Q3 of both units; 渌口's page shows the new indicator and the changed target
    for (const u of UNITS) {
      const [reporter, head] =
        u === LUKOU ? (['lukouReporter', 'lukouHead'] as const) : (['yjReporter', 'yjHead'] as const);
      await signIn(reporter);
      if (u === LUKOU) {
        expect(await w.has(`a[href="/sheets/${sheetOf.get(u)}/periods/Q3"]`)).toBe(false);
        sheetOf.set(u, adjustedId);
      }
      await openQuarter(u, 'Q3');
      await w.fill('#spend_0', String(u === LUKOU ? 190 : 130));
      const boxes = await fillQuarter(3);
      if (u === LUKOU) {
        expect(boxes.find((b) => b.name.includes('信访积案化解'))?.target).toBe('≥12件');
        expect(boxes.find((b) => b.name.includes('网上来信'))?.target).toBe('≥320件');
        await shot('quarter-after-adjustment');
      }
      await click('button[value=submit]');
      expect(await text('#report-status')).toBe('已提交');
      await signIn(head);
      await openQuarter(u, 'Q3');
      await click('button[value=confirm]');
      expect(await text('#report-status')).toBe('已确认');
      if (u === LUKOU) {
        // the head prints the quarter's 绩效运行监控表 from the same page
        await click('#monitoring-table button');
        await onForm('#download-monitoring-table');
        expect(await text('[role=status]')).toBe('监控表已生成，可在下方下载。');
        await shot('quarter-monitoring-table');
        const href = await w.page.$eval('#download-monitoring-table', (a) => (a as HTMLAnchorElement).href);
        const words = pdfText(await download(href), undefined, 'raw').replace(/\s+/g, '');
        expect(words).toContain('绩效运行监控');
        // the adjusted table's new indicator, its Q3 value beside it
        expect(words).toMatch(/信访积案化解.*≥12件.*9件/);
      }
    }
  });

  it('4. Q4: 渌口 overspends with a 预算调整 and its 超预算说明; 沅江 spends under 90% of its budget', async () => {
    // 渌口: 290 against 259.05 — refused beside the spending with everything typed kept, then explained
    await signIn('lukouReporter');
    await openQuarter(LUKOU, 'Q4');
    await w.fill('#spend_0', '290');
    await fillQuarter(4, { 信访人满意度: '76' });
    await click('button[value=save]', 422);
    await onForm('#quarter-form');
    expect(await text('#overspend-error')).toBe('累计执行数 290 万元超过调整后预算数 259.05 万元，须说明原因');
    expect(await value('#spend_0')).toBe('290');
    const satisfaction = await w.page.$$eval(
      '#quarter-form tbody tr',
      (trs) =>
        trs.find((tr) => tr.querySelector('th')?.textContent?.includes('信访人满意度'))?.querySelector('input')?.id,
    );
    expect(await value(`#${satisfaction}`)).toBe('76');
    await shot('q4-overspend-refused');
    await w.fill('#adjAmount_0', '20');
    await w.fill('#adjReason_0', '追加特护期安保经费');
    await w.fill('#overspendExplanation', '特护期延长，驻京值守经费超支，已报区财政备案。');
    await w.page.select(`#${satisfaction!.replace('value_', 'cause_')}`, '人员保障');
    await click('button[value=submit]');
    await onForm('#quarter-form');
    expect(await text('#report-status')).toBe('已提交');
    expect(await text('#adjusted-budget')).toBe('279.05');
    await shot('q4-overspend-submitted');
    await signIn('lukouHead');
    await openQuarter(LUKOU, 'Q4');
    await click('button[value=confirm]');
    expect(await text('#report-status')).toBe('已确认');

    // 沅江: 150 of 200.24 (74.9%)
    await signIn('yjReporter');
    await openQuarter(YUANJIANG, 'Q4');
    await w.fill('#spend_0', '150');
    await fillQuarter(4);
    await click('button[value=submit]');
    await onForm('#quarter-form');
    expect(await text('#report-status')).toBe('已提交');
    await signIn('yjHead');
    await openQuarter(YUANJIANG, 'Q4');
    await click('button[value=confirm]');
    expect(await text('#report-status')).toBe('已确认');
  });

  /** the year-end page of the unit's sheet from the home page, once its scores are current (scoring runs in the worker) */
  async function openEvaluation(unit: Unit) {
    const sheetId = sheetOf.get(unit)!;
    for (;;) {
      const seen = stack.jobs.completed(Queue.Scoring);
      await go('/');
      await click(`a[href="/sheets/${sheetId}/evaluation"]`);
      await onForm('#evaluation-status');
      if (!(await text('main')).includes('得分正在计算')) return;
      // scoring runs in the worker: look again when a scoring job has finished
      await stack.jobs.until(() => stack.jobs.completed(Queue.Scoring) > seen || undefined, 'a scoring job');
    }
  }

  it('5. year end: the units explain (采用草稿) and write 七 and 八; the heads submit; the evaluator reviews', async () => {
    // 渌口: the reporter's form — 执行率 above 100% explained, the shortfall's draft adopted and edited
    await signIn('lukouReporter');
    await openEvaluation(LUKOU);
    await onForm('#evaluation-form');
    expect(await text('#execution-line')).toMatch(/预算执行率 103\.\d\d%/);
    await w.fill('#goalActual', '全年信访工作目标基本完成，信访人满意度略低于目标。');
    await w.fill('#executionExplanation', '特护期延长追加安保经费，已按程序调整预算并报区财政备案。');
    const shortfall = await w.page.$$eval('textarea[id^=explanation_]', (ts) => ts.map((t) => t.id));
    expect(shortfall).toHaveLength(1);
    const id = shortfall[0].replace('explanation_', '');
    const draft = await text(`#draft_${id}`);
    expect(draft).toContain('信访人满意度');
    await shot('evaluation-reporter');
    await click(`button[name=adopt_${id}]`);
    await onForm('#evaluation-form');
    expect(await value(`#explanation_${id}`)).toBe(draft);
    expect(await value('#goalActual')).toBe('全年信访工作目标基本完成，信访人满意度略低于目标。');
    expect(await value('#executionExplanation')).toBe('特护期延长追加安保经费，已按程序调整预算并报区财政备案。');
    await append(`#explanation_${id}`, '责任人：办公室，明年一季度前完成回访制度修订。');
    await click('#save-evaluation');
    await onForm('#evaluation-form');
    expect(await text('#saved-message')).toMatch(/^已保存/);
    expect(await value(`#explanation_${id}`)).toBe(`${draft}责任人：办公室，明年一季度前完成回访制度修订。`);

    // the report text: 七 结果应用 and 八 其他
    await click('#report-text-link');
    await onForm('#report-text-form');
    await w.fill('#section_application', '自评结果报区财政局，作为2027年预算安排的参考，并在区政府网站公开。');
    await w.fill('#section_other', '无');
    await click('#report-text-form button[type=submit]');
    await onForm('#report-text-form');
    expect(await value('#section_application')).toBe(
      '自评结果报区财政局，作为2027年预算安排的参考，并在区政府网站公开。',
    );
    await shot('report-text');

    // 沅江: 执行率 74.9% — the draft of its explanation adopted; its shortfalls explained the same way
    await signIn('yjReporter');
    await openEvaluation(YUANJIANG);
    expect(await text('#execution-line')).toMatch(/预算执行率 74\.9\d%/);
    await click('button[name=adopt_execution]');
    await onForm('#evaluation-form');
    expect(await value('#executionExplanation')).toBe(await text('#draft_execution'));
    for (const box of await w.page.$$eval('textarea[id^=explanation_]', (ts) => ts.map((t) => t.id))) {
      const adopt = `button[name=adopt_${box.replace('explanation_', '')}]`;
      if (await w.has(adopt)) {
        await click(adopt);
        await onForm('#evaluation-form');
      } else await w.fill(`#${box}`, '年中工作调整。改进措施：按季度跟踪。');
    }
    await w.fill('#goalActual', '全年信访维稳目标完成，部分经费年底未支付。');
    await click('#save-evaluation');
    await onForm('#evaluation-form');
    await click('#report-text-link');
    await w.fill('#section_application', '结果用于2025年预算编制。');
    await w.fill('#section_other', '无');
    await click('#report-text-form button[type=submit]');
    await onForm('#report-text-form');

    // the heads submit
    for (const [head, unit] of [
      ['lukouHead', LUKOU],
      ['yjHead', YUANJIANG],
    ] as const) {
      await signIn(head);
      await openEvaluation(unit);
      await click('#submit-evaluation');
      await onForm('#evaluation-status');
      expect(await text('#evaluation-status')).toBe('已提交');
    }
    await shot('evaluation-submitted');

    // the evaluator: a score above 分值 refused beside the box, nothing saved, everything typed kept
    await signIn('evaluator');
    await shot('evaluator-home');
    await openEvaluation(LUKOU);
    await onForm('#review-form');
    const reviews = await w.page.$$eval('input[id^=review_]', (is) => is.map((i) => i.id));
    const [first, over] = reviews;
    await w.fill(`#${first}`, '1');
    await w.fill(`#${first.replace('review_', 'comment_')}`, '佐证材料不足');
    await w.fill(`#${over}`, '99');
    await click('button[value=save]', 422);
    await onForm('#review-form');
    expect(await text(`#${over}-error`)).toMatch(/评审得分 99 超过该指标分值/);
    expect(await value(`#${first}`)).toBe('1');
    expect(await value(`#${first.replace('review_', 'comment_')}`)).toBe('佐证材料不足');
    expect(await value(`#${over}`)).toBe('99');
    await shot('review-over-score');
    // nothing was saved: the page opened again shows no reviewer score
    await openEvaluation(LUKOU);
    expect(await value(`#${first}`)).toBe('');
    // a return without a reason: refused beside the reason, the scores typed kept
    await w.fill(`#${first}`, '1');
    await click('button[value=return]', 422);
    await onForm('#review-form');
    expect(await text('#reason-error')).toBe('退回须填写原因');
    expect(await value(`#${first}`)).toBe('1');
    expect(await text('#evaluation-status')).toBe('已提交');
    await shot('review-return-refused');
    await w.fill('#reason', '执行率超过100%的说明请附区财政批复文号');
    await click('button[value=return]');
    await onForm('#evaluation-status');
    expect(await text('#evaluation-status')).toBe('已退回');

    // the unit adds what was asked and the head submits again
    await signIn('lukouHead');
    await openEvaluation(LUKOU);
    expect(await text('main')).toContain('评审退回：执行率超过100%的说明请附区财政批复文号');
    await shot('evaluation-returned');
    await append('#executionExplanation', '（渌财预〔2026〕18号）');
    await click('#submit-evaluation');
    expect(await text('#evaluation-status')).toBe('已提交');

    // scored and approved: 渌口 with a reviewer score, 沅江 as scored
    await signIn('evaluator');
    await openEvaluation(LUKOU);
    await w.fill(`#${first}`, '1');
    await w.fill(`#${first.replace('review_', 'comment_')}`, '佐证材料不足');
    await click('button[value=approve]');
    await onForm('#evaluation-status');
    expect(await text('#evaluation-status')).toBe('审核通过');
    expect(await w.has('#reviewed-total')).toBe(true);
    await shot('evaluation-approved');
    await openEvaluation(YUANJIANG);
    await click('button[value=approve]');
    expect(await text('#evaluation-status')).toBe('审核通过');
  });

  it('6. the reports are generated and downloaded; a unit without e-mail: failure shown, address added, resent once', async () => {
    const mailsDone = () => stack.jobs.completed(Queue.Mail);
    /** reloads the year-end page until the mail jobs finished since `seen` have settled the delivery state */
    async function deliveryAfter(unit: Unit, kind: string, seen: number, state: RegExp) {
      for (;;) {
        await openEvaluation(unit);
        const delivery = await text(`#delivery-${kind}`);
        if (state.test(delivery)) return delivery;
        await stack.jobs.until(() => mailsDone() > seen || undefined, `the mail job of ${unit.unit}`);
        seen = mailsDone();
      }
    }
    for (const unit of UNITS) {
      await openEvaluation(unit);
      const seen = mailsDone();
      await click('form[action$="/evaluation/report"] button');
      await onForm('#reports');
      expect(await text('#saved-message')).toMatch(/^报告已生成/);
      // the unit has no contact e-mail: the files are there, the mail says why it was not sent
      expect(await deliveryAfter(unit, 'department-self-eval', seen, /发送失败/)).toBe(
        '发送失败（单位未设置联系邮箱）',
      );
      expect(await text('#no-email')).toContain('未设置联系邮箱');
      expect(await text('#reports')).not.toContain('已发送');
      if (unit === LUKOU) await shot('report-generated-no-email');
      const links = await w.page.$$eval('#reports a.pill[href*=".pdf"]', (as) =>
        as.map((a) => ({ id: a.id, href: (a as HTMLAnchorElement).href })),
      );
      expect(links.map((l) => l.id)).toEqual(['download-department-self-eval-pdf', 'download-department-report-pdf']);
      expect(await w.has('#download-department-self-eval-docx')).toBe(true);
      expect(await w.has('#download-department-self-eval-xlsx')).toBe(true);
      expect(await w.has('#download-department-report-docx')).toBe(true);
      for (const link of links) {
        const pdf = await download(link.href);
        const narrative = link.id.includes('department-report');
        savePage1Png(pdf, `year-pdf-${unit.seed}-${narrative ? 'report' : 'table'}`);
        const words = pdfText(pdf);
        expect(words).toContain(unit.unit);
        expect(words).toMatch(/绩效自评/);
        expect(pdfFonts(pdf).every((f) => f.type !== 'Type 3')).toBe(true);
        if (narrative && unit === LUKOU) expect(words.replace(/\s+/g, '')).toContain('作为2027年预算安排的参考');
      }
    }

    // the administrator sees the undelivered reports on the to-do list, adds 渌口's address and resends once
    await signIn('admin');
    await go('/');
    expect(await text('#todo-failed-reports')).toMatch(/^未送达的报告（\d+）$/);
    const sheetId = sheetOf.get(LUKOU)!;
    await click(`a[href="/sheets/${sheetId}/evaluation#reports"]`);
    await onForm('#reports');
    await click('#no-email a');
    await onForm('#profile-form');
    await w.fill('#contactEmail', 'lukou-xfj@example.gov.cn');
    await click('#profile-form button[type=submit]');
    await onForm('#profile-form');
    await openEvaluation(LUKOU);
    expect(await w.has('#no-email')).toBe(false);
    const seen = mailsDone();
    await click('#resend-report');
    await onForm('#reports');
    const sent = await deliveryAfter(LUKOU, 'department-self-eval', seen, /^已发送/);
    expect(sent).toContain('lukou-xfj@example.gov.cn');
    expect(await text('#delivery-department-report')).toMatch(/^已发送/);
    await shot('report-resent');
    // delivered: 渌口 is off the administrator's list, 沅江 (still without an address) stays on it
    await go('/');
    const todo = await text('main');
    expect(todo).not.toContain(`/sheets/${sheetId}/evaluation#reports`);
    expect(await w.has(`a[href="/sheets/${sheetOf.get(YUANJIANG)!}/evaluation#reports"]`)).toBe(true);
    expect(await w.has(`a[href="/sheets/${sheetId}/evaluation#reports"]`)).toBe(false);
  });

  it('prints how long the walk took and which pages it photographed', () => {
    console.log(`year walk: ${Math.round((Date.now() - started) / 1000)} s, ${shotNames.size} pages photographed`);
    // the dead-end check itself: what it must catch, and what a readable page holds
    for (const bad of [
      '出错了',
      '{"statusCode":500,"message":"Internal server error"}',
      'Cannot POST /sheets/x',
      '按评分方案 national-2020 的一级指标分值均分',
      'at QuarterReportsService.save (/app/libs/actuals/src/x.ts:12:5)',
      'Thu Dec 03 2026 15:54:00 GMT+0800 (中国标准时间)',
      'COST_EXCEEDS_BUDGET',
    ])
      expect(deadEndSigns(bad)).not.toEqual([]);
    expect(deadEndSigns('2026-12-03 15:54 提交 · 预算执行率 103.92% · 第 2 版（目标调整） · 下载自评表 PDF')).toEqual(
      [],
    );
  });
});
