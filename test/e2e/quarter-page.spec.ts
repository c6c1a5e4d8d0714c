import * as fs from 'node:fs';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { QuarterReportsService } from '@selfeval/actuals';
import { ARTIFACTS, BrowserWalk, SCREENS } from '../helpers/browser';
import { seedFile } from '../helpers/fixtures';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

interface Indicator {
  id: string;
  name: string;
  targetRaw: string;
  targetKind: string;
  targetUnit: string | null;
}

/**
 * The quarterly report page in real Chromium, every path through forms only: a partial draft with a
 * qualitative row, an incomplete submission, the head's return without and with a reason, the confirmation,
 * a year-end overspend with 预算调整 and 超预算说明 kept across Excel and page saves, an upload error, a target
 * version awaiting approval, and the phone layout.
 */
describePg('quarterly report page in a real browser', () => {
  let stack: Stack;
  let walk: BrowserWalk;
  let sheetId: string;
  let draftVersionId: string;
  let indicators: Indicator[];
  let qualitative: Indicator;
  let times: Indicator;
  let percent: Indicator;

  const met = (i: Indicator) => i.targetRaw.replace(/^[≥≤=]/, '');
  const quarter = (period: string, id = sheetId) => `/sheets/${id}/periods/${period}`;
  const stored = (period: string) => stack.app.get(QuarterReportsService).getReport(sheetId, period);

  async function fillAll(spent: string) {
    await walk.fill('#spend_0', spent);
    for (const i of indicators) {
      if (i.targetKind === 'qualitative') await walk.page.select(`#grade_${i.id}`, '达成年度指标');
      else await walk.fill(`#value_${i.id}`, met(i));
    }
  }
  async function downloadWorkbook(): Promise<ExcelJS.Workbook> {
    const href = await walk.page.$eval('a[href$="workbook.xlsx"]', (a) => (a as HTMLAnchorElement).href);
    const res = await fetch(href, { headers: { cookie: await walk.cookieHeader() } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    return wb;
  }
  async function uploadWorkbook(wb: ExcelJS.Workbook, name: string) {
    const file = path.join(ARTIFACTS, name);
    fs.writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
    await walk.upload('#workbook', file);
    return walk.submit('#workbook-form button');
  }

  beforeAll(async () => {
    stack = await startStack({
      seed: ['004'],
      approve: true,
      periods: ['2026/Q1', '2026/Q4'],
      listen: true,
      names: {
        reporter: { username: 'tianbao', displayName: '张填报' },
        head: { username: 'fuzeren', displayName: '李负责人' },
      },
    });
    const sheet = stack.sheets.find((s) => s.kind === 'department')!;
    sheetId = sheet.id;
    const { admin } = stack.users;
    indicators = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;
    qualitative = indicators.find((i) => i.targetKind === 'qualitative')!;
    times = indicators.find((i) => i.targetKind === 'quantitative' && i.targetUnit === '次')!;
    percent = indicators.find((i) => i.targetKind === 'quantitative' && i.targetUnit === '%')!;
    // 目标调整: a changed department sheet imported as version 2, not approved
    const changed = fs.readFileSync(seedFile('004'), 'utf8').replace('投诉\t≥\t300\t', '投诉\t≥\t320\t');
    expect(changed).toContain('投诉\t≥\t320\t');
    await admin.post('/api/targets/import').attach('files', Buffer.from(changed, 'utf8'), '渌口-调整.txt').expect(201);
    const all = (await admin.get('/api/targets/sheets').expect(200)).body as {
      id: string;
      kind: string;
      status: string;
    }[];
    draftVersionId = all.find((s) => s.kind === 'department' && s.status === 'draft')!.id;
    walk = await BrowserWalk.open(stack.url, 'quarter');
  }, 120_000);
  afterAll(async () => {
    await walk?.close();
    await stack?.close();
  });

  it('saves a partial draft with a qualitative row left open; units stand beside the value boxes', async () => {
    await walk.signIn('tianbao');
    expect(await walk.go(quarter('Q1'))).toBe(200);
    expect(await walk.text(`#indicator-${times.id} .unit`)).toBe('次');
    expect(await walk.text(`#indicator-${percent.id} .unit`)).toBe('%');
    expect(await walk.page.$(`#indicator-${qualitative.id} .unit`)).toBeNull();
    // no hidden field sends the target text in place of a grade
    expect(await walk.page.$(`input[type=hidden][name="value_${qualitative.id}"]`)).toBeNull();
    await walk.page.type(`#value_${times.id}`, '1');
    await walk.page.select(`#cause_${times.id}`, '经费保障');
    expect(await walk.submit('button[value=save]')).toBe(200);
    expect(walk.page.url()).toBe(`${walk.base}${quarter('Q1')}?saved=draft`);
    expect(await walk.text('#report-status')).toBe('草稿');
    expect(await walk.value(`#value_${times.id}`)).toBe('1');
    expect(await walk.value(`#grade_${qualitative.id}`)).toBe('');
    const q1 = await stored('Q1');
    expect(q1?.values.find((v) => v.indicatorId === times.id)).toMatchObject({
      valueRaw: '1',
      causeCategory: '经费保障',
    });
    await walk.shot('draft');
  });

  it('refuses an incomplete submission beside each missing field, keeps what was typed and saves nothing', async () => {
    await walk.page.type(`#value_${percent.id}`, '50%');
    expect(await walk.submit('button[value=submit]')).toBe(422);
    await walk.expectForm('#quarter-form');
    expect(await walk.text('#report-status')).toBe('草稿');
    expect(await walk.text(`#err_${qualitative.id}`)).toBe(`“${qualitative.name}”尚未选择评价等级`);
    expect(await walk.page.$eval(`#grade_${qualitative.id}`, (e) => e.getAttribute('aria-invalid'))).toBe('true');
    const missing = indicators.filter((i) => i.targetKind !== 'qualitative' && i !== times && i !== percent);
    for (const i of missing) expect(await walk.text(`#err_${i.id}`)).toBe(`“${i.name}”尚未填写完成值`);
    expect(await walk.text('#spending-error')).toContain('尚未填写累计执行数');
    expect(await walk.page.$(`#err_${times.id}`)).toBeNull();
    expect(await walk.value(`#value_${percent.id}`)).toBe('50%');
    await walk.shot('incomplete');
    // nothing of the refused submission was stored
    expect((await stored('Q1'))?.values.find((v) => v.indicatorId === percent.id)?.valueRaw ?? null).toBeNull();

    await fillAll('30');
    expect(await walk.submit('button[value=submit]')).toBe(200);
    expect(await walk.text('#report-status')).toBe('已提交');
    await walk.signOut();
  });

  it('the head returns: without a reason the error stands beside the box; with one the report goes back', async () => {
    await walk.signIn('fuzeren');
    await walk.go(quarter('Q1'));
    expect(await walk.submit('button[value=return]')).toBe(422);
    await walk.expectForm('#decision-form');
    expect(await walk.text('#reason-error')).toBe('退回须填写原因');
    expect(await walk.page.$eval('#reason', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    expect(await walk.text('#report-status')).toBe('已提交');
    await walk.shot('return-without-reason');
    await walk.page.type('#reason', '累计执行数与账面不符，请核对');
    expect(await walk.submit('button[value=return]')).toBe(200);
    expect(await walk.text('#report-status')).toBe('已退回');
    expect(await walk.text('#return-reason')).toBe('已退回：累计执行数与账面不符，请核对');
    await walk.signOut();
  });

  it('the reporter corrects and resubmits; the head confirms; only 已确认 shows, the return is history', async () => {
    await walk.signIn('tianbao');
    await walk.go(quarter('Q1'));
    await walk.fill('#spend_0', '28');
    expect(await walk.submit('button[value=submit]')).toBe(200);
    await walk.signOut();
    await walk.signIn('fuzeren');
    await walk.go(quarter('Q1'));
    expect(await walk.submit('button[value=confirm]')).toBe(200);
    await walk.expectForm('#decision-form'); // a confirmed report can still be returned
    expect(await walk.text('#report-status')).toBe('已确认');
    expect(await walk.page.$('#return-reason')).toBeNull();
    expect(await walk.text('#return-history')).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d · 李负责人（fuzeren）：累计执行数与账面不符，请核对$/,
    );
    expect(await walk.page.content()).not.toMatch(/GMT|\d{4}-\d\d-\d\dT/);
    await walk.shot('confirmed');
    await walk.signOut();
  });

  it('year end: an overspend needs its explanation; 预算调整 and 超预算说明 are saved from the page', async () => {
    await walk.signIn('tianbao');
    await walk.go(quarter('Q4'));
    await fillAll('290');
    expect(await walk.submit('button[value=save]')).toBe(422);
    await walk.expectForm('#quarter-form');
    expect(await walk.text('#overspend-error')).toBe('累计执行数 290 万元超过调整后预算数 259.05 万元，须说明原因');
    expect(await walk.value('#spend_0')).toBe('290');
    await walk.shot('overspend-error');
    await walk.page.type('#adjAmount_0', '20');
    await walk.page.type('#adjReason_0', '追加特护期安保经费');
    await walk.page.type('#overspendExplanation', '特护期延长，驻京值守经费超支，已报区财政备案');
    await walk.page.select(`#cause_${percent.id}`, '政策或外部变化');
    expect(await walk.submit('button[value=save]')).toBe(200);
    expect(await walk.text('#adjusted-budget')).toBe('279.05');
    expect(await walk.value('#adjAmount_0')).toBe('20');
    expect(await walk.value('#adjAmount_1')).toBe(''); // one empty row to add another
    const q4 = await stored('Q4');
    expect(q4).toMatchObject({
      adjustedBudget: '279.05',
      overspendExplanation: '特护期延长，驻京值守经费超支，已报区财政备案',
    });
    expect(q4?.values.find((v) => v.indicatorId === percent.id)?.causeCategory).toBe('政策或外部变化');
  });

  it('an upload error comes back on the page with the cell named and no CSRF token in the address bar', async () => {
    const wb = await downloadWorkbook();
    const row = 18 + indicators.indexOf(times);
    wb.getWorksheet('填报')!.getCell(`E${row}`).value = '很多';
    expect(await uploadWorkbook(wb, '渌口-四季度-错误.xlsx')).toBe(200);
    expect(walk.page.url()).toBe(`${walk.base}${quarter('Q4')}#upload`);
    expect(walk.page.url()).not.toContain('_csrf');
    await walk.expectForm('#workbook-form');
    expect(await walk.text('#upload-error')).toContain(`工作表“填报”第 ${row} 行 E${row} 单元格：“${times.name}”`);
    await walk.shot('upload-error');
    // the message was shown once: a reload shows the page without it
    await walk.go(quarter('Q4'));
    expect(await walk.page.$('#upload-error')).toBeNull();
  });

  it('an adjustment written in Excel and one typed on the page both survive a later page save', async () => {
    const wb = await downloadWorkbook();
    const ws = wb.getWorksheet('填报')!;
    expect([ws.getCell('A12').value, ws.getCell('B15').value]).toEqual([
      '20',
      '特护期延长，驻京值守经费超支，已报区财政备案',
    ]);
    ws.getCell('A13').value = '5';
    ws.getCell('B13').value = 'Excel 填报的调整';
    expect(await uploadWorkbook(wb, '渌口-四季度.xlsx')).toBe(200);
    expect(await walk.text('[role=status]')).toBe('Excel 已导入为草稿。');
    expect(await walk.value('#adjReason_1')).toBe('Excel 填报的调整');
    // a later save on the page, changing something else
    await walk.fill(`#value_${times.id}`, '5次');
    expect(await walk.submit('button[value=save]')).toBe(200);
    const q4 = await stored('Q4');
    expect(q4?.adjustments.map((a) => [a.amount, a.reason]).sort()).toEqual([
      ['20', '追加特护期安保经费'],
      ['5', 'Excel 填报的调整'],
    ]);
    expect(q4).toMatchObject({
      adjustedBudget: '284.05',
      overspendExplanation: '特护期延长，驻京值守经费超支，已报区财政备案',
    });
    expect(q4?.values.find((v) => v.indicatorId === times.id)?.valueRaw).toBe('5次');
    expect(await walk.submit('button[value=submit]')).toBe(200);
    expect(await walk.text('#report-status')).toBe('已提交');
    // handed in: no Excel any more, but evidence can still be added (an evaluator may ask for more)
    expect(await walk.has('#workbook-form')).toBe(false);
    expect(await walk.text('#supplement-hint')).toContain('仍可补充佐证材料');
    const file = path.join(ARTIFACTS, '补充材料.pdf');
    fs.writeFileSync(file, '%PDF-1.4\n% 补充\n');
    await walk.upload('#evidence', file);
    expect(await walk.submit('#evidence-form button')).toBe(200);
    expect(await walk.text('[role=status]')).toBe('佐证材料已上传。');
    expect(await walk.text('#report-status')).toBe('已提交');
    expect(await walk.text('main')).toContain('补充材料.pdf');
    await walk.shot('q4-submitted');
  });

  it('a target version awaiting approval shows so and links to the approved version, no form that refuses', async () => {
    expect(await walk.go(quarter('Q1', draftVersionId))).toBe(200);
    expect(await walk.text('#version-notice')).toContain('尚待批复');
    expect(await walk.page.$('button[value=save]')).toBeNull();
    expect(await walk.page.$('#workbook-form')).toBeNull();
    await walk.shot('draft-version');
    expect(await walk.submit('#version-notice a')).toBe(200);
    expect(walk.page.url()).toBe(`${walk.base}${quarter('Q1')}`);
    await walk.expectForm('#quarter-form');
  });

  it('on a phone each indicator is a card: nothing wider than the screen, no input shrunk', async () => {
    await walk.go(quarter('Q4'));
    await walk.page.setViewport(SCREENS.phone);
    const layout = await walk.page.evaluate(() => {
      const row = document.querySelector('.quarter-indicators tbody tr') as HTMLElement;
      const inputs = Array.from(row.querySelectorAll('input, select')).map((e) => e.getBoundingClientRect().width);
      return {
        scroll: document.documentElement.scrollWidth,
        display: getComputedStyle(row).display,
        narrowest: Math.min(...inputs),
      };
    });
    await walk.page.setViewport(SCREENS.desk);
    expect(layout.display).toBe('block');
    expect(layout.scroll).toBeLessThanOrEqual(390);
    expect(layout.narrowest).toBeGreaterThan(200);
  });
});
