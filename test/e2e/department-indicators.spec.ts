import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

const DAY = 86_400_000;

/**
 * 魏县's 部门整体支出 sheet publishes prose goals only: the year-end page says it is not graded and offers
 * the unit the form to add indicators; a refused form comes back as typed (422), an accepted one rescores.
 */
describePg('year-end indicators of a department sheet without 产出/效益 indicators (魏县), through the page', () => {
  let stack: Stack;
  let sheetId: string;
  const page = () => `/sheets/${sheetId}/evaluation`;

  beforeAll(async () => {
    stack = await startStack({ seed: ['001'], approve: true, worker: true });
    const dept = stack.sheets.find((s) => s.kind === 'department')!;
    sheetId = dept.id;
    const { admin, reporter } = stack.users;
    await admin
      .put(`/api/actuals/periods/${dept.year}/Q4`)
      .send({ opensAt: new Date(Date.now() - DAY).toISOString(), closesAt: new Date(Date.now() + DAY).toISOString() })
      .expect(200);
    await reporter
      .put(`/api/actuals/sheets/${sheetId}/periods/Q4`)
      .send({
        spending: [{ source: '财政拨款', amount: '400' }],
        adjustments: [{ amount: '424', reason: '目标表未列资金，按本部门各项目预算合计补录' }],
        values: [],
      })
      .expect(200);
    await reporter.post(`/api/actuals/sheets/${sheetId}/periods/Q4/submit`).expect(201);
    await stack.scored(sheetId);
  }, 120_000);
  afterAll(() => stack?.close());

  it('shows the sheet as not graded, with the form to add an indicator', async () => {
    const ev = (await stack.users.reporter.get(`/api/evaluations/${sheetId}`).expect(200)).body;
    expect(ev).toMatchObject({ total: null, grade: null, ungraded: '未评分：缺少产出、效益指标，补充后评分' });
    const html = (await stack.users.reporter.get(page()).expect(200)).text;
    expect(html).toContain('id="ungraded-state"');
    expect(html).toContain('未评分：缺少产出、效益指标，补充后评分');
    expect(html).toContain('action="/sheets/' + sheetId + '/evaluation/indicators"');
    // the evaluator sees the state, not the unit's form
    expect((await stack.users.evaluator.get(page()).expect(200)).text).not.toContain('id="add-indicator-form"');
  });

  it('keeps what was typed and names the field when it refuses (422), stores nothing', async () => {
    const { reporter } = stack.users;
    const before = (await reporter.get(`/api/evaluations/${sheetId}`).expect(200)).body.dataVersion;
    const refused = await reporter
      .post(`${page()}/indicators`)
      .type('form')
      .send({ levels: '产出指标/数量指标', name: '接待来访群众<b>', target: '≥500人次', actual: '很多' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('value="接待来访群众&lt;b&gt;"');
    expect(refused.text).toContain('value="≥500人次"');
    expect(refused.text).toMatch(/id="add_actual-error">实际完成值“很多”/);
    expect((await reporter.get(`/api/evaluations/${sheetId}`).expect(200)).body.dataVersion).toBe(before);
  });

  it('adds 产出 and 效益 indicators (audited) and the sheet is graded', async () => {
    const { reporter } = stack.users;
    const ok = await reporter
      .post(`${page()}/indicators`)
      .type('form')
      .send({ levels: '产出指标/数量指标', name: '接待来访群众', target: '≥500人次', actual: '620人次' });
    expect(ok.status).toBe(303);
    let ev = await stack.scored(sheetId);
    expect(ev).toMatchObject({ total: null, ungraded: '未评分：缺少效益指标，补充后评分' });
    await reporter
      .post(`/api/evaluations/${sheetId}/indicators`)
      .send({ level1: '效益指标', level2: '社会效益指标', name: '信访秩序', target: '信访秩序良好', actual: '达成' })
      .expect(201);
    ev = await stack.scored(sheetId);
    // 执行率 400/424 → 9.43; 产出 50 + 效益 40 (满意度 joins 效益): 99.43 优
    expect(ev).toMatchObject({ total: '99.43', grade: '优', ungraded: null });
    expect(ev.result.flags.map((f: { code: string }) => f.code)).not.toContain('DEPARTMENT_NOT_GRADABLE');
    const trail = (await stack.users.admin.get(`/api/actuals/audit/${ev.id}`).expect(200)).body;
    expect(JSON.stringify(trail)).toContain('补充指标“信访秩序”');
    expect(JSON.stringify(trail)).toContain('补充指标“接待来访群众”');
  });
});
