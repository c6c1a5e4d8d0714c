import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AuditLogEntity } from '@selfeval/db';
import { MonitoringService } from '@selfeval/actuals';
import type { Agent } from '../helpers/auth';
import { binary } from '../helpers/http';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

const DAY = 86_400_000;

describePg('quarterly reporting Q1–Q4 through the real app, a real worker, PostgreSQL and Redis', () => {
  let stack: Stack;
  let sheetId: string;
  let indicators: { id: string; name: string }[];
  let admin: Agent;
  const http = () => admin;
  const agents = new Map<string, Agent>();
  /** 财政管理员 (admin), 张填报 (reporter of unit 501) and 李负责人 (its head) */
  const as = (who: string) => agents.get(who)!;
  const base = () => `/api/actuals/sheets/${sheetId}/periods`;
  const id = (name: string) => indicators.find((i) => i.name === name)!.id;

  /** 馆陶 信访维稳工作经费: 40 万元, plan 25/50/75/100, seven indicators. */
  const report = (spent: string, values: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    spending: [{ source: '财政拨款', amount: spent }],
    values: Object.entries(values).map(([name, value]) => ({ indicatorId: id(name), value })),
    ...extra,
  });
  const q1Values = {
    维稳值班人数: '9人',
    值班人员到位率: '100%',
    及时接劝返: '1天',
    维稳值班资金: '7万元',
    维护社会和谐稳定: '100%',
    降低进京访量: '100%',
    信访群众满意度: '96%',
  };

  const lightsFor = (period: string) => stack.monitored(sheetId, period);

  beforeAll(async () => {
    stack = await startStack({
      seed: ['003'],
      periods: ['2024/Q1', '2024/Q2', '2024/Q3', '2024/Q4'],
      worker: true,
      unit: '501',
      names: {
        admin: { displayName: '财政管理员', username: 'cz.admin' },
        reporter: { displayName: '张填报', username: 'zhang.tb' },
        head: { displayName: '李负责人', username: 'li.fzr' },
      },
    });
    admin = stack.users.admin;
    agents.set('财政管理员', admin);
    agents.set('张填报', stack.users.reporter);
    agents.set('李负责人', stack.users.head);
    sheetId = stack.sheet('信访维稳工作经费').id;
    indicators = (await http().get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators;
  });
  afterAll(() => stack?.close());

  it('refuses reports on a sheet that is not approved yet', async () => {
    const res = await http().put(`${base()}/Q1`).send(report('1', {})).expect(409);
    expect(res.body.message).toContain('尚未批复');
    await http().post(`/api/targets/sheets/${sheetId}/approve`).expect(201);
  });

  it('Q1: reporter saves and submits, the job computes the lights, the head confirms', async () => {
    const saved = await as('张填报').put(`${base()}/Q1`).send(report('7', q1Values)).expect(200);
    expect(saved.body.report).toMatchObject({ status: 'draft', spentTotal: '7', adjustedBudget: '40', dataVersion: 1 });
    await as('张填报').post(`${base()}/Q1/submit`).expect(201);
    const r = await lightsFor('Q1');
    // spending: 7 / 40 = 17.5 % against the plan's 25 % → progress 70 → yellow
    expect(r.monitoring).toMatchObject({ spendingLight: 'yellow', indicatorLight: 'green' });
    expect(r.monitoring.details.spending).toMatchObject({ executionRate: '17.5', expected: '25', progress: '70' });
    // 9 people against 9 × 3/12 → 400 % → blue (far ahead); the worst of the others is green
    const people = r.monitoring.details.indicators.find((i: { name: string }) => i.name === '维稳值班人数');
    expect(people).toMatchObject({ light: 'blue', progress: '400' });
    const confirmed = await as('李负责人').post(`${base()}/Q1/confirm`).expect(201);
    expect(confirmed.body).toMatchObject({
      status: 'confirmed',
      confirmedBy: '李负责人（li.fzr）',
      submittedBy: '张填报（zhang.tb）',
    });
  });

  it('keeps submitted data immutable except through a return', async () => {
    const res = await as('张填报').put(`${base()}/Q1`).send(report('8', q1Values)).expect(409);
    expect(res.body.message).toBe('一季度（1–3月）报告已确认，需退回后才能修改');
  });

  it('Q2: bad input is refused with every field named and nothing stored', async () => {
    const res = await http()
      .put(`${base()}/Q2`)
      .send(report('-3', { ...q1Values, 值班人员到位率: '120%', 维稳值班资金: '3次' }))
      .expect(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([
      'spending[0].amount',
      'values[1].value',
      'values[3].value',
    ]);
    expect(res.body.details[1].message).toBe('“值班人员到位率”是比率，当前值 120% 不能超过 100%');
    await http().get(`${base()}/Q2`).expect(404);
    const shape = await http()
      .put(`${base()}/Q2`)
      .send({ spending: [{ source: '财政拨款' }], values: [], extra: 1 })
      .expect(422);
    expect(shape.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['extra', 'spending[0].amount']);
  });

  it('Q2: the head returns with a reason, the reporter corrects and resubmits, lights follow the new version', async () => {
    await as('张填报')
      .put(`${base()}/Q2`)
      .send(report('16', { ...q1Values, 维稳值班资金: '16万元' }))
      .expect(200);
    await as('张填报').post(`${base()}/Q2/submit`).expect(201);
    const first = await lightsFor('Q2');
    expect(first.monitoring).toMatchObject({ spendingLight: 'green' }); // 40 % / 50 % = 80 → green
    await as('李负责人').post(`${base()}/Q2/return`).send({ reason: '' }).expect(422);
    const returned = await as('李负责人').post(`${base()}/Q2/return`).send({ reason: '执行数与账面不符' }).expect(201);
    expect(returned.body).toMatchObject({ status: 'returned', returnReason: '执行数与账面不符' });
    const fixed = await as('张填报')
      .put(`${base()}/Q2`)
      .send(report('12', { ...q1Values, 维稳值班资金: '12万元' }))
      .expect(200);
    expect(fixed.body.report).toMatchObject({ status: 'returned', dataVersion: 2 });
    await as('张填报').post(`${base()}/Q2/submit`).expect(201);
    const second = await lightsFor('Q2');
    expect(second.monitoring).toMatchObject({ dataVersion: 2, spendingLight: 'yellow' }); // 30 % / 50 % = 60 → yellow
    // a job left over from version 1 (retried late) changes nothing
    expect(await stack.worker!.get(MonitoringService).computeMonitoring(second.id, 1)).toBe('skipped');
    expect((await http().get(`${base()}/Q2`).expect(200)).body.monitoring).toMatchObject({
      dataVersion: 2,
      spendingLight: 'yellow',
    });
  });

  it('warns when a cumulative count goes down, and requires an explanation above the budget', async () => {
    await http()
      .put(`/api/actuals/periods/2024/Q3`)
      .send({ opensAt: new Date(Date.now() - DAY).toISOString(), closesAt: new Date(Date.now() + DAY).toISOString() })
      .expect(200);
    const down = await http()
      .put(`${base()}/Q3`)
      .send(report('30', { ...q1Values, 维稳值班人数: '8人', 维稳值班资金: '30万元' }))
      .expect(200);
    expect(down.body.warnings).toEqual([
      { field: 'values[0].value', message: '“维稳值班人数”累计值 8 比上一季度的 9 少，请确认按累计数填报' },
    ]);
    const over = await http().put(`${base()}/Q3`).send(report('41', q1Values)).expect(422);
    expect(over.body.details).toEqual([
      { field: 'overspendExplanation', message: '累计执行数 41 万元超过调整后预算数 40 万元，须说明原因' },
    ]);
    const adjusted = await http()
      .put(`${base()}/Q3`)
      .send(report('41', q1Values, { adjustments: [{ amount: '5', reason: '追加驻京值班经费' }] }))
      .expect(200);
    expect(adjusted.body.report).toMatchObject({ adjustedBudget: '45', spentTotal: '41' });
  });

  it('locks a period after its deadline until an administrator reopens it for the unit', async () => {
    const past = Date.now() - 10 * DAY;
    await as('财政管理员')
      .put('/api/actuals/periods/2024/Q3')
      .send({ opensAt: new Date(past - DAY).toISOString(), closesAt: new Date(past).toISOString() })
      .expect(200);
    const locked = await http().post(`${base()}/Q3/submit`).expect(409);
    expect(locked.body).toMatchObject({ code: 'PERIOD_CLOSED' });
    expect(locked.body.message).toContain('如需补报请联系管理员重新开放');
    await as('财政管理员')
      .post('/api/actuals/periods/2024/Q3/reopen')
      .send({ unitCode: '501', reason: '系统故障补报', until: new Date(Date.now() + DAY).toISOString() })
      .expect(201);
    await as('张填报').post(`${base()}/Q3/submit`).expect(201);
  });

  it('Q4 is the year-end value; the audit trail records who changed what', async () => {
    await as('张填报')
      .put(`${base()}/Q4`)
      .send(report('36.8', { ...q1Values, 值班人员到位率: '98%', 维稳值班资金: '368000元' }))
      .expect(200);
    await as('张填报').post(`${base()}/Q4/submit`).expect(201);
    const r = await lightsFor('Q4');
    expect(r.values.find((v: { indicatorId: string }) => v.indicatorId === id('维稳值班资金'))).toMatchObject({
      valueRaw: '368000元',
      valueNum: '36.8',
    });
    expect(r.monitoring.details.spending).toMatchObject({ executionRate: '92', expected: '100', progress: '92' });

    const q2 = (await http().get(`${base()}/Q2`).expect(200)).body;
    const trail = (await http().get(`/api/actuals/audit/${q2.id}`).expect(200)).body;
    const lines = trail.map(
      (a: {
        action: string;
        field: string | null;
        oldValue: string | null;
        newValue: string | null;
        actor: string;
        reason: string | null;
      }) => [a.action, a.field, a.oldValue, a.newValue, a.actor, a.reason],
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        ['submit', '状态', '草稿', '已提交', '张填报（zhang.tb）', null],
        ['return', '状态', '已提交', '已退回', '李负责人（li.fzr）', '执行数与账面不符'],
        ['update', '累计执行数', '16', '12', '张填报（zhang.tb）', null],
        ['update', '指标“维稳值班资金”', '16万元', '12万元', '张填报（zhang.tb）', null],
        ['submit', '状态', '已退回', '已提交', '张填报（zhang.tb）', null],
      ]),
    );
  });

  it('shows the 双监控 board: lights per sheet and who has not reported', async () => {
    const other = (await http().get('/api/targets/sheets?unit=501&year=2024').expect(200)).body.find(
      (s: { name: string }) => s.name === '律师陪访经费',
    );
    await http().post(`/api/targets/sheets/${other.id}/approve`).expect(201);
    const board = (await http().get('/api/actuals/board?year=2024&period=Q1').expect(200)).body;
    expect(
      board.rows.map(
        (r: { sheetName: string; status: string; spendingLight: string | null; lightsCurrent: boolean }) => [
          r.sheetName,
          r.status,
          r.spendingLight,
          r.lightsCurrent,
        ],
      ),
    ).toEqual([
      ['律师陪访经费', 'none', null, false],
      ['信访维稳工作经费', 'confirmed', 'yellow', true],
    ]);
    expect(board.notReported).toEqual(['501 馆陶县信访局']);
  });

  describe('Excel fill-in workbook', () => {
    let lawyerId: string;
    beforeAll(() => (lawyerId = stack.sheet('律师陪访经费').id));

    it('carries what was reported, locks the targets and offers dropdowns', async () => {
      const res = await binary(http().get(`${base()}/Q1/workbook.xlsx`)).expect(200);
      expect(decodeURIComponent(res.headers['content-disposition'])).toContain(
        '馆陶县信访局-信访维稳工作经费-2024Q1.xlsx',
      );
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body);
      const ws = wb.getWorksheet('填报')!;
      expect(wb.getWorksheet('_meta')!.state).toBe('veryHidden');
      expect(ws.getCell('B7').value).toBe('7');
      const rows = Array.from({ length: 7 }, (_, i) => ws.getRow(18 + i));
      expect(rows.map((r) => [r.getCell(3).value, r.getCell(5).value])).toEqual(Object.entries(q1Values));
      expect(ws.getRow(17).getCell(5).value).toBe('当前累计值');
      expect(ws.getCell('D18').protection?.locked).not.toBe(false);
      expect(ws.getCell('E18').protection).toMatchObject({ locked: false });
      expect(ws.getCell('G18').dataValidation).toMatchObject({
        type: 'list',
        formulae: ['"确定能,有可能,完全不可能"'],
      });
    });

    it('uploads a filled workbook all-or-nothing, naming the cells of errors', async () => {
      const blank = (await binary(http().get(`/api/actuals/sheets/${lawyerId}/periods/Q1/workbook.xlsx`)).expect(200))
        .body as Buffer;
      const fill = async (edit: (ws: ExcelJS.Worksheet) => void) => {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(blank as unknown as ArrayBuffer);
        edit(wb.getWorksheet('填报')!);
        return Buffer.from(await wb.xlsx.writeBuffer());
      };
      const bad = await fill((ws) => {
        ws.getCell('B7').value = '-1';
        ws.getCell('E18').value = '3次';
        ws.getCell('E19').value = '120%';
      });
      const refused = await http()
        .post(`/api/actuals/sheets/${lawyerId}/periods/Q1/workbook`)
        .attach('file', bad, '律师-Q1.xlsx')
        .expect(422);
      expect(refused.body.details.map((d: { message: string }) => d.message)).toEqual([
        '工作表“填报”第 7 行 B7 单元格：资金来源“财政拨款”的执行数“-1”不能为负数',
        '工作表“填报”第 18 行 E18 单元格：“陪访律师人数”：实际完成值“3次”的单位“次”与目标单位“人”不一致',
        '工作表“填报”第 19 行 E19 单元格：“律师出勤率”是比率，当前值 120% 不能超过 100%',
      ]);
      await http().get(`/api/actuals/sheets/${lawyerId}/periods/Q1`).expect(404);

      const good = await fill((ws) => {
        ws.getCell('B7').value = '1.95';
        ws.getCell('E18').value = '3人';
      });
      const saved = await as('张填报')
        .post(`/api/actuals/sheets/${lawyerId}/periods/Q1/workbook`)
        .attach('file', good, '律师-Q1.xlsx')
        .expect(201);
      expect(saved.body.report).toMatchObject({ spentTotal: '1.95', status: 'draft' });
      const wrongSheet = await http().post(`${base()}/Q3/workbook`).attach('file', good, '律师-Q1.xlsx').expect(422);
      expect(wrongSheet.body.message).toContain('另一张目标表或另一个报告期');
    });
  });

  describe('evidence files (佐证材料)', () => {
    let lawyerId: string;
    beforeAll(() => (lawyerId = stack.sheet('律师陪访经费').id));
    const url = () => `/api/actuals/sheets/${lawyerId}/periods/Q1/evidence`;

    it('stores by content hash, sniffs the type, and serves only as a download', async () => {
      const pdf = Buffer.from('%PDF-1.4\n% 台账\n');
      const a = await as('张填报').post(url()).attach('file', pdf, '../../考勤表.pdf').expect(201);
      const b = await http().post(url()).attach('file', pdf, '考勤表-副本.pdf').expect(201);
      expect(a.body).toMatchObject({ fileName: '考勤表.pdf', mime: 'application/pdf', size: pdf.length });
      expect(b.body.sha256).toBe(a.body.sha256);
      const list = (await http().get(url()).expect(200)).body;
      expect(list.map((e: { fileName: string }) => e.fileName)).toEqual(['考勤表.pdf', '考勤表-副本.pdf']);
      const dl = await http().get(`/api/actuals/evidence/${a.body.id}`).buffer(true).expect(200);
      expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(dl.headers['content-type']).toBe('application/pdf');
    });

    it('refuses HTML dressed as a PDF; a submitted report takes supplementary evidence, audited as such', async () => {
      const html = await http()
        .post(url())
        .attach('file', Buffer.from('<html><script>alert(1)</script></html>'), 'report.pdf')
        .expect(415);
      expect(html.body.message).toContain('类型不受支持');
      // the evaluator asks for more at year end: evidence is only added (no value changes) until approval
      const before = (await http().get(`${base()}/Q1`).expect(200)).body;
      expect(before.status).not.toMatch(/^(draft|returned)$/);
      const supplement = await http()
        .post(`${base()}/Q1/evidence`)
        .attach('file', Buffer.from('%PDF-1.4'), 'a.pdf')
        .expect(201);
      expect(supplement.body.fileName).toBe('a.pdf');
      const after = (await http().get(`${base()}/Q1`).expect(200)).body;
      expect({ status: after.status, version: after.dataVersion }).toEqual({
        status: before.status,
        version: before.dataVersion,
      });
      const trail = await stack.app
        .get(DataSource)
        .getRepository(AuditLogEntity)
        .findBy({ entityId: before.id, action: 'evidence' });
      expect(trail.map((t) => t.field)).toContain('补充佐证材料');
    });
  });
});
