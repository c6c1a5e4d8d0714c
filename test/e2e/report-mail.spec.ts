import * as http_ from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { findOutline } from '@selfeval/domain';
import { Job, JobProducer } from '@selfeval/jobs';
import type { Agent } from '../helpers/auth';
import { binary } from '../helpers/http';
import { pdfFonts, pdfPages, pdfText, savePage1Png } from '../helpers/pdf';
import { describePg } from '../helpers/postgres';
import type { SmtpCatcher } from '../helpers/smtp-catcher';
import { LUKOU_YEAR_END, lukouSpending, SheetRow, Stack, startStack } from '../helpers/stack';

describePg('绩效自评表, 自评报告 and 监控表 PDFs rendered by worker jobs and mailed exactly once', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let smtp: SmtpCatcher;
  let sheets: SheetRow[];
  let sheetId: string;
  let departmentId: string;
  let admin: Agent;
  // the unit's 企业微信 group robot, played by a local HTTP receiver
  let robot: http_.Server;
  const robotTexts: string[] = [];
  const http = () => admin;

  beforeAll(async () => {
    robot = http_.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        robotTexts.push((JSON.parse(raw) as { text: { content: string } }).text.content);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      });
    });
    await new Promise<void>((r) => robot.listen(0, '127.0.0.1', r));
    stack = await startStack({
      ...LUKOU_YEAR_END,
      smtp: true,
      names: { admin: { displayName: '管理员' } },
      config: (c) => ({ ...c, webhooks: { allowLoopback: true, timeoutMs: 5_000 } }),
    });
    worker = stack.worker!;
    smtp = stack.smtp!;
    admin = stack.users.admin;
    sheets = stack.sheets;
    sheetId = sheets.find((s) => s.name === '驻京维稳工作组专项')!.id;
    departmentId = sheets.find((s) => s.kind === 'department')!.id;
    await http()
      .put(`/api/units/${encodeURIComponent('株洲市渌口区信访局')}/contact`)
      .send({
        email: 'lukou@example.gov.cn',
        webhookUrl: `http://127.0.0.1:${(robot.address() as AddressInfo).port}/cgi-bin/webhook/send?key=k`,
      })
      .expect(200);
    // the department spends 95 %, the projects their budget except this one: as much as the original test (57 of 60)
    await stack.yearEndAtTargets(sheets, (sheet) => (sheet.id === sheetId ? '57' : lukouSpending(sheet)));
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((r) => robot?.close(r));
  });

  it('renders the project 自评表, stores it, and mails it with the same bytes attached', async () => {
    await http().post(`/api/evaluations/${sheetId}/report`).expect(201);
    const mail = await smtp.withSubject('【绩效自评】2026年度“驻京维稳工作组专项”项目支出绩效自评表');
    expect(mail.text).toContain('自评得分 99.50 分，等级“优”');
    // the group robot hears that the report is ready
    const notice = await stack.jobs.until(
      () => robotTexts.find((t) => t.includes('“驻京维稳工作组专项”项目支出绩效自评表已生成')),
      'the robot notice',
    );
    expect(notice).toBe(
      '【绩效自评】株洲市渌口区信访局：2026年度“驻京维稳工作组专项”项目支出绩效自评表已生成。自评得分 99.50 分，等级“优”。\n请登录绩效自评系统下载（PDF、Word、Excel）。',
    );
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].filename).toBe('株洲市渌口区信访局-驻京维稳工作组专项-2026年度项目支出绩效自评表.pdf');

    const stored = await binary(http().get(`/api/evaluations/${sheetId}/report.pdf`)).expect(200);
    expect(Buffer.compare(mail.attachments[0].content, stored.body as Buffer)).toBe(0);
    const text = pdfText(stored.body as Buffer);
    expect(text).toContain('驻京维稳工作组专项');
    expect(text).toContain('株洲市渌口区信访局');
    // the seed gives no 财政拨款 budget line; spending by source does (the form's row: 其中：当年财政拨款)
    expect(text).toMatch(/其中：当年财政拨款(\s+\d+\.\d{2})*\s+57\.00/);
    expect(text).toMatch(/自评等级：优/);
  });

  it('never sends a report version twice, even when the jobs run again', async () => {
    const producer = worker.get(JobProducer);
    const ev = (await http().get(`/api/evaluations/${sheetId}`)).body;
    const before = smtp.messages.length;
    const rendered = await producer.enqueueAndWait(
      Job.RenderReport,
      { kind: 'project-self-eval', subjectId: ev.id, dataVersion: ev.dataVersion, mail: false },
      120_000,
    );
    const file = (await http().get(`/api/evaluations/${sheetId}/report.pdf`)).headers['x-report-version'];
    expect(file).toBe(String(ev.dataVersion));
    const again = await producer.enqueueAndWait(Job.MailReport, rendered as { reportFileId: string }, 120_000);
    // the job answers after its SMTP exchange, so a second mail would already be here
    expect(again).toEqual({ sent: 0, skipped: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(before);
    // nor a second robot notice for the same file
    await new Promise((r) => setTimeout(r, 700));
    expect(robotTexts.filter((t) => t.includes('“驻京维稳工作组专项”项目支出绩效自评表已生成'))).toHaveLength(1);
  });

  it('refuses report texts for sections the outline does not have, naming the section', async () => {
    const res = await http()
      .put(`/api/evaluations/${departmentId}/texts`)
      .send({ sections: { nine: '第九节' } })
      .expect(422);
    expect(res.body.message).toContain('没有“nine”这一节');
    expect(res.body.where.field).toBe('sections.nine');
  });

  it('renders the department 自评表 and the narrative 自评报告 with charts and the project tables as annexes', async () => {
    await http()
      .put(`/api/evaluations/${departmentId}/texts`)
      .send({
        goalActual: '全年受理信访事项全部按期办结。',
        sections: {
          profile: '渌口区信访局内设综合股、督查股。',
          application: '自评结果将<b>公开</b>并用于2027年预算安排。',
        },
      })
      .expect(200);
    await stack.scored(departmentId);
    const { body } = await http().post(`/api/evaluations/${departmentId}/report`).expect(201);
    expect(body.jobs.map((j: { kind: string }) => j.kind)).toEqual(['department-self-eval', 'department-report']);
    const table = await smtp.withSubject('【绩效自评】2026年度部门整体支出绩效自评表');
    const report = await smtp.withSubject('【绩效自评】2026年度部门整体支出绩效自评报告');
    expect(report.attachments[0].filename).toBe('株洲市渌口区信访局-2026年度部门整体支出绩效自评报告.pdf');

    const tableText = pdfText(table.attachments[0].content);
    expect(tableText).toContain('2026年度部门整体支出绩效自评表');
    // every fund row of the form, under its group (按收入性质分 / 按支出性质分)
    expect(tableText).toMatch(/按收入性质分：\s+一般公共预算\s+259\.05\s+259\.05\s+246\.10\s+—/);
    expect(tableText).toMatch(/政府性基金\s+0\.00\s+0\.00\s+0\.00/);
    expect(tableText).toMatch(/按支出性质分：\s+基本支出\s+139\.05\s+139\.05/);
    expect(tableText).toContain('全年受理信访事项全部按期办结。');

    const pdf = (
      await binary(http().get(`/api/evaluations/${departmentId}/report.pdf?kind=department-report`)).expect(200)
    ).body as Buffer;
    expect(Buffer.compare(pdf, report.attachments[0].content)).toBe(0);
    savePage1Png(pdf, 'department-report');
    const text = pdfText(pdf);
    // every section of the unit's outline (湖南: the eight of domain.md §6, pinned in outlines.spec.ts)
    const outline = findOutline('hunan-2020');
    expect(outline?.sections).toHaveLength(8);
    for (const { title } of outline?.sections ?? []) expect(text).toContain(title);
    expect(text).toContain('渌口区信访局内设综合股、督查股。');
    expect(text).toContain('自评结果将<b>公开</b>并用于2027年预算安排。'); // escaped, printed literally
    expect(text).toContain('（单位未填写本节内容）'); // 八、 left empty
    expect(text).toContain('本部门无政府性基金预算支出');
    expect(text).toMatch(/预算执行率 95\.00%/);
    // charts are SVG drawn by ECharts: their legends and captions are real text in the PDF
    expect(text).toContain('图1 部门整体支出分值与得分');
    expect(text).toContain('图2 部门整体支出累计执行率与资金支出计划');
    expect(text).toContain('计划进度');
    // annexes: the department table and every project table
    expect(text).toMatch(/附件1：2026年度部门整体支出绩效自评表/);
    const flat = text.replace(/\s+/g, '');
    for (const s of sheets.filter((x) => x.kind === 'project'))
      expect(flat).toContain(`项目支出绩效自评表（${s.name}）`);
    const pages = pdfPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(pdfText(pdf, pages)).toContain(`第 ${pages} 页 共 ${pages} 页`);
    const fonts = pdfFonts(pdf);
    expect(fonts.filter((f) => f.type === 'Type 3')).toEqual([]);
    expect(fonts.every((f) => f.embedded)).toBe(true);
  });

  it('a reviewer score is a new data version: the next report shows it, the old file stays as it was', async () => {
    const ev = (await http().get(`/api/evaluations/${sheetId}`)).body;
    const first = ev.indicators.find((r: { weight: string | null }) => r.weight !== null);
    const unitCode = (await http().get(`/api/targets/sheets/${sheetId}`).expect(200)).body.unit.code;
    expect(unitCode).toBe(stack.sheets[0].unit.code); // the stack's head and evaluator belong to it
    const { head, evaluator: reviewer } = stack.users;
    await head.post(`/api/evaluations/${sheetId}/submit`).expect(201);
    await reviewer
      .put(`/api/evaluations/${sheetId}/indicators/${first.indicatorId}/review`)
      .send({ score: '0', comment: '佐证材料不足' })
      .expect(200);
    // a reviewer score is not an input of the rule scores: no rescoring, only a new data version for the report
    const after = (await http().get(`/api/evaluations/${sheetId}`)).body;
    expect(after.current).toBe(true);
    expect(after.dataVersion).toBeGreaterThan(ev.dataVersion);
    const subject = '【绩效自评】2026年度“驻京维稳工作组专项”项目支出绩效自评表';
    const sent = smtp.messages.filter((m) => m.subject === subject).length;
    await http().post(`/api/evaluations/${sheetId}/report`).expect(201);
    const mail = await smtp.withSubject(subject, sent + 1);
    const text = pdfText(mail.attachments[0].content);
    expect(text).toMatch(
      new RegExp(`总分\\s+100\\.00\\s+${after.reviewedTotal.replace('.', '\\.')}\\s+自评等级：${after.reviewedGrade}`),
    );
    expect(text).toContain('得分栏含评审人复核后的得分');
    // the reviewer's comment is printed with the indicator it is about
    expect(text.replace(/\s+/g, '')).toContain('评审意见：佐证材料不足');
    expect(after.reviewedTotal).not.toBe(ev.total);
  });

  it('renders the quarterly 绩效运行监控表 with lights and mails it', async () => {
    await http().post(`/api/actuals/sheets/${sheetId}/periods/Q4/monitoring-table?mail=1`).expect(201);
    const mail = await smtp.withSubject('【绩效自评】2026年度“驻京维稳工作组专项”绩效运行监控表');
    expect(mail.text).toMatch(/资金执行预警：(绿灯|黄灯|红灯)/);
    const pdf = (await binary(http().get(`/api/actuals/sheets/${sheetId}/periods/Q4/monitoring-table.pdf`)).expect(200))
      .body as Buffer;
    expect(Buffer.compare(pdf, mail.attachments[0].content)).toBe(0);
    const text = pdfText(pdf);
    expect(text).toContain('2026年度项目支出绩效运行监控表');
    expect(text).toContain('四季度（1—12月）');
    expect(text).toMatch(/60\.00\s+57\.00\s+95\.00%\s+100\.00%\s+95\.00%\s+绿灯/);
    expect(text).toContain('指标预警：绿灯');
  });
});
