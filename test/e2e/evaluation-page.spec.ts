import { BrowserWalk, SCREENS } from '../helpers/browser';
import { describePg } from '../helpers/postgres';
import { LUKOU_YEAR_END, NAMED_PEOPLE, Stack, startStack } from '../helpers/stack';

const PROJECT = '安保信访维稳专项（含特护期京、郑、长、株等地）';
const SHORT = '非正常上访人员劝返率';

interface Indicator {
  id: string;
  name: string;
  targetRaw: string;
  targetKind: string;
}

/**
 * The year-end evaluation page in real Chromium, driven through its forms only: the 预算执行率 explanation,
 * 采用草稿, the head's one form (saved whole then submitted, or nothing), the evaluator's whole-form checks
 * (a score above 分值, a return without reason: nothing saved, everything typed kept), reopen, two tabs.
 */
describePg('evaluation page in a real browser', () => {
  let stack: Stack;
  let walk: BrowserWalk;
  let sheetId: string;
  let indicators: Indicator[];
  let short: Indicator;

  const evaluation = async () =>
    (await stack.users.admin.get(`/api/evaluations/${sheetId}`).expect(200)).body as {
      id: string;
      status: string;
      dataVersion: number;
      goalActual: string | null;
      executionExplanation: string | null;
      indicators: { indicatorId: string; explanationText: string | null; reviewerScore: string | null }[];
    };
  const go = async (url: string, w = walk) => expect(await w.go(url)).toBe(200);
  /** no step lands on a page without the form the user was on, nor shows codes, ids or English */
  const onForm = async (formId: string, w = walk) => {
    await w.expectForm(`#${formId}`);
    const body = await w.text('main');
    expect(body).not.toContain('出错了');
    expect(
      body.match(/[A-Za-z_]{3,}/g)?.filter((word) => !['PDF', 'Word', 'Excel', 'min', 'max'].includes(word)) ?? [],
    ).toEqual([]);
  };
  /** a fresh session whatever the test before left */
  async function signIn(username: string) {
    await walk.page.deleteCookie(...(await walk.page.cookies()));
    await walk.signIn(username);
  }

  beforeAll(async () => {
    stack = await startStack({
      ...LUKOU_YEAR_END,
      listen: true,
      unit: (sheets) => sheets.find((s) => s.name === PROJECT)!.unit.code,
      names: NAMED_PEOPLE,
    });
    sheetId = stack.sheet(PROJECT).id;
    const { reporter, head, admin } = stack.users;
    indicators = (await admin.get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;
    short = indicators.find((i) => i.name === SHORT)!;
    // setup: the year-end data (执行率 30/60 = 50%, one shortfall with its Q4 原因类别), confirmed
    await reporter
      .put(`/api/actuals/sheets/${sheetId}/periods/Q4`)
      .send({
        spending: [{ source: '财政拨款', amount: '30' }],
        values: indicators.map((i) => {
          if (i.targetKind === 'qualitative') return { indicatorId: i.id, grade: '达成年度指标' };
          if (i === short) return { indicatorId: i.id, value: '81%', causeCategory: '政策或外部变化' };
          return { indicatorId: i.id, value: i.targetRaw.replace(/^[≥≤=]/, '') };
        }),
      })
      .expect(200);
    await reporter.post(`/api/actuals/sheets/${sheetId}/periods/Q4/submit`).expect(201);
    await head.post(`/api/actuals/sheets/${sheetId}/periods/Q4/confirm`).expect(201);
    await stack.scored(sheetId);
    walk = await BrowserWalk.open(stack.url, 'evaluation');
  }, 120_000);
  afterAll(async () => {
    await walk?.close();
    await stack?.close();
  });

  it('reporter: 执行率 explanation beside its line, 采用草稿 fills the box (nothing saved), Q4 原因类别 as default', async () => {
    await signIn('tianbao');
    await go(`/sheets/${sheetId}/evaluation`);
    await onForm('evaluation-form');
    expect(await walk.text('#execution-line')).toContain('预算执行率 50.00%');
    // the Q4 report's category is the year end's default
    expect(await walk.value(`#cause_${short.id}`)).toBe('政策或外部变化');
    // the drafts are text, not a placeholder that looks filled
    expect(await walk.value('#executionExplanation')).toBe('');
    expect(await walk.page.$eval('#executionExplanation', (e) => e.getAttribute('placeholder'))).toBeNull();
    const draft = await walk.text('#draft_execution');
    expect(draft.length).toBeGreaterThan(10);
    await walk.page.type('#goalActual', '全年维稳任务基本完成。');
    await walk.shot('reporter');
    expect(await walk.submit('button[name=adopt_execution]')).toBe(200);
    await onForm('evaluation-form');
    expect(await walk.value('#executionExplanation')).toBe(draft);
    expect(await walk.value('#goalActual')).toBe('全年维稳任务基本完成。');
    expect((await evaluation()).executionExplanation).toBeNull();
    // editable: the unit's own words, saved
    await walk.page.$eval('#executionExplanation', (e) => {
      const box = e as HTMLTextAreaElement;
      box.setSelectionRange(box.value.length, box.value.length);
    });
    await walk.page.type('#executionExplanation', '另：部分经费年底才拨付。');
    expect(await walk.submit('#save-evaluation')).toBe(200);
    await onForm('evaluation-form');
    expect(await walk.text('#saved-message')).toMatch(/^已保存/);
    const ev = await evaluation();
    expect(ev.executionExplanation).toBe(`${draft}另：部分经费年底才拨付。`);
    expect(ev.goalActual).toBe('全年维稳任务基本完成。');
    await stack.scored(sheetId);
    await walk.signOut();
  });

  it('head: a refusal (explanation missing) keeps everything typed and saves nothing; then saved and submitted at once', async () => {
    await signIn('fuzeren');
    await go(`/sheets/${sheetId}/evaluation`);
    const before = await evaluation();
    await walk.fill('#goalActual', '全年维稳任务完成，劝返率略低于目标。');
    await walk.fill('#executionExplanation', '年底集中支付，部分资金次年拨付。改进措施：按季度拨付。');
    expect(await walk.submit('#submit-evaluation')).toBe(422);
    await onForm('evaluation-form');
    expect(await walk.text(`#explanation_${short.id}-error`)).toContain(SHORT);
    expect(await walk.value('#goalActual')).toBe('全年维稳任务完成，劝返率略低于目标。');
    expect(await walk.value('#executionExplanation')).toBe('年底集中支付，部分资金次年拨付。改进措施：按季度拨付。');
    const refused = await evaluation();
    expect(refused.dataVersion).toBe(before.dataVersion);
    expect(refused.goalActual).toBe(before.goalActual);
    expect(refused.status).toBe('draft');
    await walk.shot('head-refused');
    await walk.page.type(`#explanation_${short.id}`, '部分劝返对象异地滞留。改进措施：建立属地协作机制。');
    expect(await walk.submit('#submit-evaluation')).toBe(200);
    await onForm('evaluation-status');
    expect(await walk.text('#evaluation-status')).toBe('已提交');
    const submitted = await evaluation();
    expect(submitted.status).toBe('submitted');
    expect(submitted.goalActual).toBe('全年维稳任务完成，劝返率略低于目标。');
    expect(submitted.executionExplanation).toBe('年底集中支付，部分资金次年拨付。改进措施：按季度拨付。');
    expect(submitted.indicators.find((r) => r.indicatorId === short.id)?.explanationText).toBe(
      '部分劝返对象异地滞留。改进措施：建立属地协作机制。',
    );
    await walk.signOut();
  });

  it('evaluator: a score above 分值 or a return without reason saves nothing and keeps every score typed', async () => {
    await signIn('pingshen');
    await go(`/sheets/${sheetId}/evaluation`);
    const before = await evaluation();
    const quantitative = indicators.filter((i) => i.targetKind === 'quantitative');
    const [first, over] = quantitative.filter((i) => i !== short);
    await walk.fill(`#review_${first.id}`, '1');
    await walk.fill(`#comment_${first.id}`, '佐证材料不足');
    await walk.fill(`#review_${over.id}`, '99');
    await walk.fill(`#review_${short.id}`, '2');
    expect(await walk.submit('button[value=save]')).toBe(422);
    await onForm('review-form');
    expect(await walk.text(`#review_${over.id}-error`)).toMatch(/评审得分 99 超过该指标分值/);
    expect(await walk.page.$eval(`#review_${over.id}`, (e) => e.getAttribute('aria-invalid'))).toBe('true');
    expect(await walk.page.$(`#review_${first.id}-error`)).toBeNull();
    expect(await walk.value(`#review_${first.id}`)).toBe('1');
    expect(await walk.value(`#comment_${first.id}`)).toBe('佐证材料不足');
    expect(await walk.value(`#review_${over.id}`)).toBe('99');
    expect(await walk.value(`#review_${short.id}`)).toBe('2');
    let now = await evaluation();
    expect(now.dataVersion).toBe(before.dataVersion);
    expect(now.indicators.filter((r) => r.reviewerScore !== null)).toEqual([]);
    await walk.shot('review-over-score');
    // return without a reason: the same form, the message beside the reason
    await walk.fill(`#review_${over.id}`, '0.5');
    expect(await walk.submit('button[value=return]')).toBe(422);
    await onForm('review-form');
    expect(await walk.text('#reason-error')).toBe('退回须填写原因');
    expect(await walk.value(`#review_${over.id}`)).toBe('0.5');
    expect(await walk.value(`#comment_${first.id}`)).toBe('佐证材料不足');
    now = await evaluation();
    expect(now.status).toBe('submitted');
    expect(now.indicators.filter((r) => r.reviewerScore !== null)).toEqual([]);
    // corrected: scores and approval in one go
    expect(await walk.submit('button[value=approve]')).toBe(200);
    expect(await walk.text('#evaluation-status')).toBe('审核通过');
    now = await evaluation();
    expect(now.indicators.find((r) => r.indicatorId === over.id)?.reviewerScore).toMatch(/^0\.50*$/);
  });

  it('evaluator reopens an approved evaluation only with a reason', async () => {
    await onForm('reopen-form');
    await walk.page.type('#reopen-reason', '   ');
    expect(await walk.submit('#reopen-form button')).toBe(422);
    await onForm('reopen-form');
    expect(await walk.text('#reopen-reason-error')).toBe('重新打开须填写原因');
    expect((await evaluation()).status).toBe('approved');
    await walk.shot('reopen-refused');
    await walk.fill('#reopen-reason', '年终数据需更正');
    expect(await walk.submit('#reopen-form button')).toBe(200);
    expect(await walk.text('#evaluation-status')).toBe('已退回');
    expect(await walk.text('main')).toContain('评审退回：年终数据需更正');
    await walk.signOut();
  });

  it('two tabs: the second save shows the stored and typed values side by side; keeping mine saves it', async () => {
    await signIn('tianbao');
    const tab2 = await walk.tab();
    await go(`/sheets/${sheetId}/evaluation`);
    await go(`/sheets/${sheetId}/evaluation`, tab2);
    // a background tab gets no input events: the user switches tabs, and so does the test
    await walk.page.bringToFront();
    await walk.fill('#goalActual', '第一个窗口的说明');
    expect(await walk.submit('#save-evaluation')).toBe(200);
    await tab2.page.bringToFront();
    await tab2.fill('#goalActual', '第二个窗口的说明');
    expect(await tab2.submit('#save-evaluation')).toBe(409);
    await onForm('evaluation-form', tab2);
    expect(await tab2.text('#stale-fields .stored')).toBe('第一个窗口的说明');
    expect(await tab2.text('#stale-fields .typed')).toBe('第二个窗口的说明');
    expect(await tab2.value('#goalActual')).toBe('第二个窗口的说明');
    expect((await evaluation()).goalActual).toBe('第一个窗口的说明');
    await tab2.shot('two-tabs-stale');
    expect(await tab2.submit('#stale-save button[value=save]')).toBe(200);
    expect((await evaluation()).goalActual).toBe('第二个窗口的说明');
    await tab2.close();
    await walk.page.bringToFront();
  });

  it('on a phone, each indicator is a card: no cell squeezed to a few characters per line', async () => {
    await walk.page.setViewport(SCREENS.phone);
    await go(`/sheets/${sheetId}/evaluation`);
    const widths = await walk.page.$$eval('.indicator-cards tbody td, .indicator-cards tbody th', (cells) =>
      // shown cells only (an empty 评审 cell is hidden on a phone)
      cells.filter((c) => c.getClientRects().length > 0).map((c) => c.getBoundingClientRect().width),
    );
    expect(widths.length).toBeGreaterThan(0);
    expect(Math.min(...widths)).toBeGreaterThan(300);
    expect(await walk.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await walk.shot('phone-cards');
    await walk.page.setViewport(SCREENS.desk);
  });

  it('the JSON route writes the 预算执行率 explanation: audited, refused on a stale version, only for the unit', async () => {
    const { reporter, evaluator } = stack.users;
    const before = await evaluation();
    const url = `/api/evaluations/${sheetId}/execution-explanation`;
    await reporter
      .put(url)
      .send({ text: '旧版本上的说明', version: before.dataVersion - 1 })
      .expect(409);
    await evaluator.put(url).send({ text: '评审人不能写', version: before.dataVersion }).expect(403);
    await reporter.put(url).send({ text: '接口写入的执行率说明', version: before.dataVersion }).expect(200);
    const after = await evaluation();
    expect(after.executionExplanation).toBe('接口写入的执行率说明');
    expect(after.dataVersion).toBe(before.dataVersion + 1);
    const audit = (await stack.users.admin.get(`/api/actuals/audit/${after.id}`).expect(200)).body as {
      changes: { field: string; to: string | null }[];
    }[];
    expect(JSON.stringify(audit)).toContain('接口写入的执行率说明');
  });
});
