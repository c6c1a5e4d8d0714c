import * as fs from 'node:fs';
import * as path from 'node:path';
import puppeteer, { Browser, HTTPResponse, Page } from 'puppeteer-core';
import { UsersService } from '@selfeval/auth';
import { chromiumLaunchOptions } from '@selfeval/reports';
import { TEST_PASSWORD } from '../helpers/auth';
import { seedFile } from '../helpers/fixtures';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

const PROJECT = '驻京维稳工作组专项';
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = path.join(__dirname, '../../test-artifacts');
const SIZES = [
  { tag: 'desktop', width: 1366, height: 768 },
  { tag: 'phone', width: 390, height: 844 },
] as const;

/**
 * 目标调整 through the pages only: the administrator imports the 渌口 seed and approves one project, creates the
 * reporter, the reporter fills Q1; the administrator imports a changed table (a target changed, an indicator added,
 * one removed), sees the differences and what happens to Q1 on the approval page, approves; the reporter's Q2 has the
 * new indicators and Q1 keeps the values of the matching ones (docs/targets.md "目标调整").
 */
describePg('目标调整 in a real browser: import → approve → Q1 → changed import → differences → approve → Q2', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let base: string;
  let firstId: string;
  let secondId: string;
  let oneTimePassword: string;
  const q1Values = new Map<string, string>();

  const text = (selector: string) => page.$eval(selector, (e) => (e as HTMLElement).innerText.trim());
  const rows = (selector: string) =>
    page.$$eval(`${selector} tbody tr`, (trs) => trs.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ')));
  const go = async (url: string) => {
    const res = await page.goto(`${base}${url}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
  };
  const submitVia = async (selector: string): Promise<HTTPResponse | null> => {
    const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
    return res;
  };
  /** serious and critical axe-core findings of every page photographed (checked by the last test) */
  const a11y: string[] = [];
  /** the page at both sizes, full length; on the phone nothing may be wider than the screen */
  const shots = async (name: string) => {
    await page.evaluate(AXE_SOURCE);
    const found = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } })
        .axe;
      return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    });
    a11y.push(...found.map((v) => `${name}: ${v.id}`));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const size of SIZES) {
      await page.setViewport({ width: size.width, height: size.height });
      await page.screenshot({ path: path.join(ARTIFACTS, `adjust-${name}-${size.tag}.png`), fullPage: true });
      if (size.tag === 'phone')
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
    }
    await page.setViewport({ width: SIZES[0].width, height: SIZES[0].height });
  };
  async function signIn(username: string, password = TEST_PASSWORD) {
    await go('/login');
    await page.type('#username', username);
    await page.type('#password', password);
    await submitVia('button[type=submit]');
  }
  const signOut = () => submitVia('form.who button');
  async function upload(file: string) {
    await go('/admin/import');
    const input = await page.$('#files');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(file);
    return submitVia('form[enctype] button');
  }
  async function sheetCount() {
    await go('/admin/sheets?status=all');
    return (await rows('#sheet-list')).length;
  }
  /** the quarter form's value boxes by indicator name (from each box's label) */
  const valueBoxes = () =>
    page.$$eval('input[id^=value_]', (els) =>
      els.map((e) => {
        const input = e as HTMLInputElement;
        const row = input.closest('tr');
        return {
          id: input.id,
          label: input.labels?.[0]?.innerText ?? '',
          target: row?.querySelector('td')?.innerText.trim() ?? '',
          value: input.value,
        };
      }),
    );

  beforeAll(async () => {
    stack = await startStack({ periods: ['2026/Q1', '2026/Q2'], listen: true });
    base = stack.url;
    await stack.app
      .get(UsersService)
      .create({ username: 'caizheng', displayName: '财政管理员', role: 'admin', password: TEST_PASSWORD });
    browser = await puppeteer.launch(chromiumLaunchOptions(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'));
    page = await browser.newPage();
    await page.setViewport({ width: SIZES[0].width, height: SIZES[0].height });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('refuses a file it cannot read beside the file field, in Chinese, and stores nothing', async () => {
    await signIn('caizheng');
    const before = await sheetCount();
    const bad = path.join(ARTIFACTS, '乱码目标表.txt');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(bad, Buffer.from([0xcf, 0xee, 0xc4, 0xbf, 0xc3, 0xfb, 0xb3, 0xc6, 0x09, 0xbc, 0xd7]));
    const res = await upload(bad);
    expect(res?.status()).toBe(422);
    expect(await page.$('#files')).not.toBeNull();
    expect(await page.$eval('#files', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    const message = await text('#files-error');
    expect(message).toContain('乱码目标表.txt');
    expect(message).toContain('未保存');
    expect(message).not.toMatch(/[A-Z]{3,}_[A-Z_]+/);
    await shots('import-refused');
    expect(await sheetCount()).toBe(before);
  });

  it('imports the seed with warnings grouped by sheet and row (no codes) and approves one project', async () => {
    await upload(seedFile('004'));
    expect(await text('h2')).toMatch(/^预览：3 张表（尚未保存）$/);
    expect(page.url()).toMatch(/\/admin\/import\?preview=[0-9a-f]{32}$/);
    const warnings = await text('#warnings');
    expect(warnings).not.toMatch(/[A-Z]{3,}_[A-Z_]+/);
    expect(await page.$$eval('.warn-sheet', (hs) => hs.length)).toBeGreaterThan(0);
    await shots('import-preview');
    await submitVia('form[action="/admin/import/confirm"] button');
    expect(await text('[role=status]')).toBe('已保存：新建 3 张，新版本（目标调整）0 张，未变化 0 张。');
    const imported = await rows('#imported');
    expect(imported.find((r) => r.includes(PROJECT))).toContain('草稿');
    await shots('import-done');
    const row = (await page.$$('#imported tbody tr')).length;
    expect(row).toBe(3);
    const link = await page.$$eval(
      '#imported tbody tr',
      (trs, name) => {
        const tr = trs.find((t) => (t as HTMLElement).innerText.includes(name as string));
        return (tr?.querySelector('a') as HTMLAnchorElement | null)?.getAttribute('href') ?? '';
      },
      PROJECT,
    );
    await go(link);
    firstId = link.split('/').pop() ?? '';
    expect(await text('#carry-over')).toContain('这是该表的第一个版本');
    await submitVia('#approve-form button');
    expect(page.url()).toBe(`${base}/admin/sheets/${firstId}?done=approved`);
    expect(await text('#sheet-status')).toBe('审核通过');
  });

  it('creates the reporter on the users page: a missing unit is shown beside its field, the typed values kept', async () => {
    await go('/admin/users');
    await page.type('#username', 'lukou.tianbao');
    await page.type('#displayName', '刘填报');
    await page.select('#role', 'reporter');
    const res = await submitVia('#user-form button');
    expect(res?.status()).toBe(422);
    expect(await text('#unitCode-error')).toBe('填报人和单位负责人须指定所属单位');
    expect(await page.$eval('#username', (e) => (e as HTMLInputElement).value)).toBe('lukou.tianbao');
    expect(await page.$eval('#displayName', (e) => (e as HTMLInputElement).value)).toBe('刘填报');
    expect(await page.$eval('#role', (e) => (e as HTMLSelectElement).value)).toBe('reporter');
    await shots('users-error');
    const unit = await page.$$eval('#unitCode option', (os) =>
      os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']),
    );
    await page.select('#unitCode', unit.find(([, label]) => label.includes('渌口区信访局'))![0]);
    await submitVia('#user-form button');
    oneTimePassword = await text('.otp');
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{14}/);
    // no JS Date strings anywhere on the page
    expect(await text('#user-list')).not.toMatch(/GMT|\(中国标准时间\)/);
    await shots('users');
  });

  it('keeps the typed dates beside a refused period and shows the error next to the date', async () => {
    await go('/admin/periods');
    await page.type('#year', '2026');
    await page.select('#period', 'Q3');
    await page.type('#opensAt', '2026/10/01');
    await page.type('#closesAt', '2026-10-15');
    const res = await submitVia('#period-form button');
    expect(res?.status()).toBe(422);
    expect(await text('#opensAt-error')).toContain('2026-04-01');
    expect(await page.$eval('#opensAt', (e) => (e as HTMLInputElement).value)).toBe('2026/10/01');
    expect(await page.$eval('#closesAt', (e) => (e as HTMLInputElement).value)).toBe('2026-10-15');
    expect(await page.$eval('#period', (e) => (e as HTMLSelectElement).value)).toBe('Q3');
    await shots('periods-error');
    await page.$eval('#opensAt', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#opensAt', '2026-10-01');
    await submitVia('#period-form button');
    expect(await rows('#period-list')).toContain('2026 三季度（1–9月） 2026-10-01 2026-10-15');
    await shots('periods');
    await signOut();
  });

  it('the reporter signs in with the one-time password and submits Q1 through the page', async () => {
    await signIn('lukou.tianbao', oneTimePassword);
    expect(new URL(page.url()).pathname).toBe('/password');
    await page.type('#currentPassword', oneTimePassword);
    await page.type('#newPassword', TEST_PASSWORD);
    await page.type('#confirmPassword', TEST_PASSWORD);
    await submitVia('form[action="/password"] button');
    await go(`/sheets/${firstId}/periods/Q1`);
    await page.$eval('#spend_0', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#spend_0', '15');
    const special: Record<string, string> = { 成功劝返上访群众: '20人', 协调处理率: '91%', 稳控率: '96%' };
    for (const box of await valueBoxes()) {
      const name = Object.keys(special).find((n) => box.label.includes(`“${n}”`));
      const value = name ? special[name] : box.target.replace(/^[≥≤=]/, '');
      await page.type(`#${box.id}`, value);
      q1Values.set(box.label, value);
    }
    await submitVia('button[value=submit]');
    expect(await text('#report-status')).toBe('已提交');
    await signOut();
  });

  it('a changed import is a draft on the approval list; its page shows the differences and what happens to Q1', async () => {
    await signIn('caizheng');
    const seed = fs.readFileSync(seedFile('004'), 'utf8');
    const lines = seed.split('\n');
    const changed = lines
      .filter((l) => !/^\t+协调处理率\t/.test(l))
      .map((l) => l.replace(/^(\t+成功劝返上访群众\t)70\t/, '$180\t'))
      .flatMap((l) => (/^\t+成功劝返上访群众\t/.test(l) ? [l, '\t\t\t驻京值守天数\t300\t天\t≥\t'] : [l]))
      .join('\n');
    expect(changed).not.toBe(seed);
    const file = path.join(ARTIFACTS, '渌口信访局-目标调整.txt');
    fs.writeFileSync(file, changed);
    await upload(file);
    await submitVia('form[action="/admin/import/confirm"] button');
    expect(await text('[role=status]')).toBe('已保存：新建 0 张，新版本（目标调整）1 张，未变化 2 张。');

    await go('/admin/sheets?status=draft');
    const drafts = await rows('#sheet-list');
    const adjusted = drafts.find((r) => r.includes(PROJECT));
    expect(adjusted).toContain('第 2 版（目标调整）');
    await shots('sheets-draft');
    const href = await page.$$eval(
      '#sheet-list tbody tr',
      (trs, name) => {
        const tr = trs.find((t) => (t as HTMLElement).innerText.includes(name as string));
        return (tr?.querySelector('a') as HTMLAnchorElement | null)?.getAttribute('href') ?? '';
      },
      PROJECT,
    );
    secondId = href.split('/').pop() ?? '';
    expect(secondId).not.toBe(firstId);
    await go(href);
    expect(await text('#diff-title')).toContain('与现行第 1 版');
    const changedRows = await rows('#changed-indicators');
    expect(changedRows).toEqual([expect.stringMatching(/成功劝返上访群众 指标值：≥70人 → ≥80人 保留/)]);
    expect(await rows('#added-indicators')).toEqual([expect.stringMatching(/^驻京值守天数 .* ≥300天$/)]);
    expect(await rows('#removed-indicators')).toEqual([expect.stringMatching(/^协调处理率 .* ≥90%$/)]);
    const carry = await rows('#carry-reports');
    expect(carry).toEqual([
      expect.stringMatching(/^一季度（1–3月） 已提交 9 项 协调处理率：91%（新版本中没有该指标）$/),
    ]);
    expect(await text('#approve-form button')).toBe('确认批复（1 项填报值不保留）');
    await shots('approval');
  });

  it('a rejection without a reason stays on the approval page with the message beside the field', async () => {
    const res = await submitVia('#reject-form button');
    expect(res?.status()).toBe(422);
    expect(await page.$('#reject-form')).not.toBeNull();
    expect(await page.$('#approve-form')).not.toBeNull();
    expect(await text('#reason-error')).toBe('驳回须填写原因');
    expect(await text('#sheet-status')).toBe('草稿');
    await shots('approval-reject-error');
  });

  it('approves: Q1 moves to the new version with the matching values, Q2 asks for the new indicator', async () => {
    await submitVia('#approve-form button');
    expect(page.url()).toBe(`${base}/admin/sheets/${secondId}?done=approved`);
    expect(await text('#sheet-status')).toBe('审核通过');
    expect(await rows('#history')).toEqual([
      expect.stringMatching(/^第 1 版 已被新版本替代/),
      expect.stringMatching(/^第 2 版（本页） 审核通过/),
    ]);
    await shots('approved');
    await go('/admin/sheets?status=draft');
    expect((await rows('#sheet-list')).some((r) => r.includes(PROJECT))).toBe(false);
    await signOut();

    await signIn('lukou.tianbao');
    const q2 = await page.$(`a[href="/sheets/${secondId}/periods/Q2"]`);
    expect(q2).not.toBeNull();
    expect(await page.$(`a[href^="/sheets/${firstId}/"]`)).toBeNull();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), q2!.click()]);
    const boxes = await valueBoxes();
    expect(boxes.map((b) => b.label)).toEqual(expect.arrayContaining(['“驻京值守天数”完成值（天）']));
    expect(boxes.some((b) => b.label.includes('协调处理率'))).toBe(false);
    expect(boxes.find((b) => b.label.includes('成功劝返上访群众'))?.target).toBe('≥80人');
    await shots('reporter-q2');

    await go(`/sheets/${secondId}/periods/Q1`);
    expect(await text('#report-status')).toBe('已提交');
    const q1 = await valueBoxes();
    for (const box of q1) {
      if (box.label.includes('驻京值守天数')) expect(box.value).toBe('');
      else expect(box.value).toBe(q1Values.get(box.label));
    }
    expect(q1.find((b) => b.label.includes('成功劝返上访群众'))?.value).toBe('20人');
    await shots('reporter-q1-carried');
  });

  it('has no serious or critical accessibility violation (axe-core) on the pages photographed', () => {
    expect(a11y).toEqual([]);
  });
});
