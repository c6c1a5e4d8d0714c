import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AuditLogEntity, ReportDeliveryEntity, ReportFileEntity, SelfEvaluationEntity } from '@selfeval/db';
import { Job, JobProducer, jobId, Queue } from '@selfeval/jobs';
import type { Agent } from '../helpers/auth';
import { BrowserWalk } from '../helpers/browser';
import { readDocx } from '../helpers/docx';
import { binary } from '../helpers/http';
import { pdfPages, pdfText } from '../helpers/pdf';
import { describePg } from '../helpers/postgres';
import type { SmtpCatcher } from '../helpers/smtp-catcher';
import { SheetRow, Stack, startStack } from '../helpers/stack';

const PROJECT = '驻京维稳工作组专项';
const UNIT = '株洲市渌口区信访局';
const PROJECT_SUBJECT = `【绩效自评】2026年度“${PROJECT}”项目支出绩效自评表`;
const PROJECT_PDF = `${UNIT}-${PROJECT}-2026年度项目支出绩效自评表.pdf`;

/** Title and author as a PDF reader shows them (poppler's pdfinfo), written by libs/reports/src/pdf-info.ts. */
function pdfInfo(pdf: Buffer): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdfinfo-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    const out = execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' });
    return Object.fromEntries(
      out
        .split('\n')
        .map((l) => /^([A-Za-z ]+):\s+(.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => [m[1], m[2].trim()]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The file name a download carries: RFC 5987 `filename*` decoded. */
function dispositionName(header: string | null | undefined): string {
  const m = /filename\*=UTF-8''([^;]+)/.exec(header ?? '');
  if (!m) throw new Error(`no filename* in Content-Disposition: ${header}`);
  return decodeURIComponent(m[1]);
}

/**
 * Report delivery you can trust, through a real browser, a real render job in Chromium and a real SMTP
 * server: a unit without an e-mail address gets its report generated and downloadable, the page says
 * 发送失败 and why; the administrator sets the address and resends (a double click sends once); every
 * document of a department sheet is downloadable as PDF, Word and Excel; other units see none of it.
 */
describePg('report delivery: state per report, fix the address, resend; every report downloadable', () => {
  let stack: Stack;
  let smtp: SmtpCatcher;
  let ds: DataSource;
  let walk: BrowserWalk;
  let project: SheetRow;
  let department: SheetRow;
  let unitId: string;

  const overview = async (sheetId: string) =>
    (await stack.users.admin.get(`/api/evaluations/${sheetId}/reports`).expect(200)).body as {
      unit: { contactEmail: string | null };
      inFlight: boolean;
      documents: {
        kind: string;
        title: string;
        formats: { format: string; fileName: string }[];
        delivery: { status: string; label: string; recipient: string | null; error: string | null } | null;
      }[];
    };
  /** the newest stored file of a kind, and the id of the generation's own mail job */
  const fileOf = async (sheetId: string, kind: string) => {
    const ev = await ds.getRepository(SelfEvaluationEntity).findOneByOrFail({ sheetId });
    return ds.getRepository(ReportFileEntity).findOneOrFail({
      where: { evaluationId: ev.id, kind: kind as ReportFileEntity['kind'] },
      order: { dataVersion: 'DESC' },
    });
  };
  /** what the browser downloads from a link on the page, with its session */
  const download = async (selector: string) => {
    const href = await walk.page.$eval(selector, (a) => (a as HTMLAnchorElement).href);
    const res = await fetch(href, { headers: { cookie: await walk.cookieHeader() } });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'),
      name: res.status === 200 ? dispositionName(res.headers.get('content-disposition')) : '',
      body: Buffer.from(await res.arrayBuffer()),
    };
  };

  beforeAll(async () => {
    stack = await startStack({
      seed: ['003', '004'],
      approve: true,
      periods: ['2026/Q4'],
      worker: true,
      smtp: true,
      listen: true,
      unit: (sheets) => sheets.find((s) => s.name === PROJECT)!.unit.code,
      names: {
        admin: { username: 'caizheng', displayName: '财政管理员' },
        head: { username: 'fuzeren', displayName: '李负责人' },
      },
    });
    smtp = stack.smtp!;
    ds = stack.app.get(DataSource);
    project = stack.sheet(PROJECT);
    const lukou = stack.sheets.filter((s) => s.unit.code === project.unit.code);
    department = lukou.find((s) => s.kind === 'department')!;
    unitId = (project as SheetRow & { unitId: string }).unitId;
    const { admin } = stack.users;
    // the seed's unit has no contact e-mail: that is the point of the first test
    expect((await admin.get(`/api/units/${unitId}/profile`).expect(200)).body.contactEmail).toBeNull();
    await stack.yearEndAtTargets(lukou);
    walk = await BrowserWalk.open(stack.url, 'report-delivery');
  }, 180_000);
  afterAll(async () => {
    await walk?.close();
    await stack?.close();
  });

  it('a unit without an e-mail: the report is generated and downloads, the page says 发送失败 and why; no failed job', async () => {
    await walk.signIn('fuzeren');
    await walk.go(`/sheets/${project.id}/evaluation`);
    // before anything is generated the page already says the address is missing, and where to set it
    expect(await walk.text('#reports')).toContain('还没有生成报告');
    expect(await walk.text('#no-email')).toContain('未设置联系邮箱');
    await walk.submit('form[action$="/evaluation/report"] button');
    const file = await fileOf(project.id, 'project-self-eval');
    const result = await stack.jobs.done(Queue.Mail, jobId(Job.MailReport, file.id), 'the mail job of the 自评表');
    // recorded as failed, but the job itself completed: nothing for the queue dashboard's failed list
    expect(result).toEqual({ sent: 0, skipped: 0, failed: 1 });
    expect(await stack.app.get(JobProducer).queue(Queue.Mail).getFailedCount()).toBe(0);
    expect(smtp.messages.filter((m) => m.subject === PROJECT_SUBJECT)).toHaveLength(0);

    await walk.go(`/sheets/${project.id}/evaluation`);
    const delivery = await walk.text('#delivery-project-self-eval');
    expect(delivery).toBe('发送失败（单位未设置联系邮箱）');
    const area = await walk.text('#reports');
    expect(area).not.toContain('已发送');
    expect(area).not.toContain('已生成并发送');
    // the generation time as people read it, never an internal version number
    expect(await walk.text('#report-project-self-eval td[data-label="生成时间"]')).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    expect(area).not.toMatch(/第\s*\d+\s*版|版本|v\d/);
    // the failure links to where the address is set
    expect(await walk.page.$eval('#no-email a', (a) => a.getAttribute('href'))).toBe(
      `/units/${unitId}/profile#contactEmail`,
    );
    // the generation is current: nothing to generate again, resend is offered
    expect(await walk.has('form[action$="/evaluation/report"]')).toBe(false);
    expect(await walk.has('#resend-report')).toBe(true);
    await walk.shotOf('#reports', 'failed');
    await walk.shot('failed-page');

    // the PDF still downloads, under its Chinese name, with the bytes that were stored
    const pdf = await download('#download-project-self-eval-pdf');
    expect(pdf).toMatchObject({ status: 200, type: 'application/pdf', name: PROJECT_PDF });
    expect(pdf.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(PROJECT_PDF)}`);
    expect(pdfText(pdf.body)).toContain(PROJECT);
    expect(pdfInfo(pdf.body).Author).toBe(UNIT);
    // and so do its Word and Excel copies
    const docx = await download('#download-project-self-eval-docx');
    expect(docx).toMatchObject({ status: 200, name: PROJECT_PDF.replace(/\.pdf$/, '.docx') });
    expect(docx.type).toContain('wordprocessingml');
    const { blocks } = await readDocx(docx.body);
    expect(blocks.some((b) => b.kind === 'table' && JSON.stringify(b.rows).includes(PROJECT))).toBe(true);
    const xlsx = await download('#download-project-self-eval-xlsx');
    expect(xlsx).toMatchObject({ status: 200, name: PROJECT_PDF.replace(/\.pdf$/, '.xlsx') });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.worksheets[0].eachRow((row) =>
      row.eachCell((c) => cells.push(c.type === ExcelJS.ValueType.Merge ? '' : c.text)),
    );
    expect(cells.join('|')).toContain(PROJECT);

    // a resend now is refused with the reason (API and page alike)
    const refused = await stack.users.head
      .post(`/api/evaluations/${project.id}/report/resend`)
      .send({ requestId: 'no-address-yet-1' })
      .expect(422);
    expect(refused.body.message).toContain('未设置联系邮箱');
    await walk.submit('#resend-report');
    expect(await walk.text('#resend-error')).toContain('请先在单位概况中填写联系邮箱');
    expect(await ds.getRepository(ReportDeliveryEntity).countBy({ reportFileId: file.id })).toBe(1);
    await walk.signOut();
  });

  it('the administrator sets the address from the failure message, resends (a double click sends once), and the page says 已发送', async () => {
    await walk.signIn('caizheng');
    // the administrator's to-do list and mail page name the undelivered report and lead to its page
    await walk.go('/');
    expect(await walk.text('#todo-failed-reports')).toBe('未送达的报告（1）');
    expect(await walk.text('main')).toContain('报告未送达：单位未设置联系邮箱');
    await walk.go('/admin/mail');
    expect(await walk.text('#failed-reports')).toContain('单位未设置联系邮箱');
    await walk.submit('#failed-reports a');
    expect(walk.path()).toBe(`/sheets/${project.id}/evaluation`);
    await walk.submit('#no-email a');
    expect(walk.path()).toBe(`/units/${unitId}/profile`);
    // 报告邮件附件 is left at its default: the mail below carries the PDF only
    expect(await walk.value('#reportAttachments')).toBe('pdf');
    await walk.fill('#contactEmail', 'lukou@example.gov.cn');
    await walk.submit('#profile-form button[type=submit]');
    await walk.go(`/sheets/${project.id}/evaluation`);
    expect(await walk.has('#no-email')).toBe(false);
    expect(await walk.text('#reports')).toContain('报告发送到单位联系邮箱：lukou@example.gov.cn');

    // a double click: the same form (same request id) posted twice at once
    const form = {
      _csrf: await walk.value('#resend-form input[name=_csrf]'),
      requestId: await walk.value('#resend-form input[name=requestId]'),
    };
    const url = `${stack.url}/sheets/${project.id}/evaluation/report/resend`;
    const statuses = await walk.page.evaluate(
      (u, body) =>
        Promise.all(
          [1, 2].map(() =>
            fetch(u, { method: 'POST', body: new URLSearchParams(body), redirect: 'manual' }).then((r) => r.type),
          ),
        ),
      url,
      form,
    );
    // both answered with the redirect back to the page (no error page)
    expect(statuses).toEqual(['opaqueredirect', 'opaqueredirect']);
    const rows = await ds.getRepository(ReportDeliveryEntity).findBy({ requestKey: form.requestId });
    expect(rows).toHaveLength(1);
    await stack.jobs.done(Queue.Mail, jobId(Job.MailReport, rows[0].reportFileId, rows[0].id), 'the resend');
    const mail = await smtp.withSubject(PROJECT_SUBJECT);
    expect(smtp.messages.filter((m) => m.subject === PROJECT_SUBJECT)).toHaveLength(1);
    expect(mail.to).toMatchObject({ text: 'lukou@example.gov.cn' });
    expect(mail.attachments.map((a) => a.filename)).toEqual([PROJECT_PDF]);
    expect(mail.text).toContain(`附件为2026年度“${PROJECT}”项目支出绩效自评表（PDF）。`);
    const stored = await binary(stack.users.admin.get(`/api/evaluations/${project.id}/report.pdf`)).expect(200);
    expect(Buffer.compare(mail.attachments[0].content, stored.body as Buffer)).toBe(0);
    // audited once, naming who resent and where to
    const audit = await ds.getRepository(AuditLogEntity).findBy({ action: 'resend-report' });
    expect(audit.map((a) => [a.actor, a.newValue])).toEqual([['财政管理员（caizheng）', 'lukou@example.gov.cn']]);

    // delivered now: nothing left on the administrator's list
    await walk.go('/');
    expect(await walk.has('#todo-failed-reports')).toBe(false);

    // the same request id again (the answer page reloaded): nothing more is sent
    const again = await stack.users.admin
      .post(`/api/evaluations/${project.id}/report/resend`)
      .send({ requestId: form.requestId })
      .expect(201);
    expect(again.body).toMatchObject({ repeated: true, recipient: 'lukou@example.gov.cn' });

    await walk.go(`/sheets/${project.id}/evaluation?saved=resent`);
    expect(await walk.text('#saved-message')).toBe('已重新发送报告，发送情况见下方。');
    expect(await walk.text('#delivery-project-self-eval')).toMatch(
      /^已发送（lukou@example\.gov\.cn，\d{4}-\d{2}-\d{2} \d{2}:\d{2}）$/,
    );
    await walk.shotOf('#reports', 'sent');
    expect((await overview(project.id)).documents[0].delivery).toMatchObject({
      status: 'sent',
      label: '已发送',
      recipient: 'lukou@example.gov.cn',
      error: null,
    });
    expect(smtp.messages.filter((m) => m.subject === PROJECT_SUBJECT)).toHaveLength(1);
  });

  it('a department sheet offers both documents in every format, and they download', async () => {
    await walk.go(`/sheets/${department.id}/evaluation`);
    await walk.submit('form[action$="/evaluation/report"] button');
    // both mails go out (the address is set now), each with its own document
    const table = await smtp.withSubject('【绩效自评】2026年度部门整体支出绩效自评表');
    const report = await smtp.withSubject('【绩效自评】2026年度部门整体支出绩效自评报告');
    for (const kind of ['department-self-eval', 'department-report'])
      await stack.jobs.done(Queue.Mail, jobId(Job.MailReport, (await fileOf(department.id, kind)).id), kind);
    await walk.go(`/sheets/${department.id}/evaluation`);
    const links = await walk.page.$$eval('#reports a.pill', (as) => as.map((a) => a.id));
    expect(links).toEqual([
      'download-department-self-eval-pdf',
      'download-department-self-eval-docx',
      'download-department-self-eval-xlsx',
      'download-department-report-pdf',
      'download-department-report-docx',
    ]);
    for (const kind of ['department-self-eval', 'department-report'])
      expect(await walk.text(`#delivery-${kind}`)).toMatch(/^已发送（lukou@example\.gov\.cn，/);
    expect(await walk.text('#reports')).not.toMatch(/第\s*\d+\s*版/);
    await walk.shotOf('#reports', 'department');

    const tablePdf = await download('#download-department-self-eval-pdf');
    expect(tablePdf).toMatchObject({ status: 200, name: `${UNIT}-2026年度部门整体支出绩效自评表.pdf` });
    expect(Buffer.compare(tablePdf.body, table.attachments[0].content)).toBe(0);
    expect(pdfText(tablePdf.body)).toContain('2026年度部门整体支出绩效自评表');

    const reportPdf = await download('#download-department-report-pdf');
    expect(reportPdf).toMatchObject({ status: 200, name: `${UNIT}-2026年度部门整体支出绩效自评报告.pdf` });
    expect(Buffer.compare(reportPdf.body, report.attachments[0].content)).toBe(0);
    expect(pdfInfo(reportPdf.body)).toMatchObject({ Author: UNIT });
    expect(pdfPages(reportPdf.body)).toBeGreaterThanOrEqual(4);
    expect(pdfText(reportPdf.body)).toContain('一、部门基本情况');

    const reportDocx = await download('#download-department-report-docx');
    expect(reportDocx).toMatchObject({ status: 200, name: `${UNIT}-2026年度部门整体支出绩效自评报告.docx` });
    const { blocks } = await readDocx(reportDocx.body);
    expect(blocks.filter((b) => b.kind === 'p').map((b) => (b as { text: string }).text)).toEqual(
      expect.arrayContaining(['一、部门基本情况']),
    );
    const tableXlsx = await download('#download-department-self-eval-xlsx');
    expect(tableXlsx).toMatchObject({ status: 200, name: `${UNIT}-2026年度部门整体支出绩效自评表.xlsx` });
    // the 自评报告 has no Excel copy: a clear 404, not someone else's file
    const none = await stack.users.admin.get(`/api/evaluations/${department.id}/report.xlsx?kind=department-report`);
    expect(none.status).toBe(404);
    expect(none.body.message).toBe('部门整体支出绩效自评报告没有 Excel 版本');
    await walk.signOut();
  });

  it('another unit’s users can neither download nor resend; a reporter downloads but may not resend', async () => {
    const otherCode = stack.sheets.find((s) => s.unit.code !== project.unit.code)!.unit.code;
    const { agent: otherHead } = await stack.signIn('head', { unitCode: otherCode });
    const { agent: otherEvaluator } = await stack.signIn('evaluator');
    for (const agent of [otherHead, otherEvaluator] as Agent[]) {
      for (const format of ['pdf', 'docx', 'xlsx'])
        await agent.get(`/api/evaluations/${project.id}/report.${format}`).expect(404);
      await agent.get(`/api/evaluations/${project.id}/reports`).expect(404);
      await agent
        .post(`/api/evaluations/${project.id}/report/resend`)
        .send({ requestId: 'other-unit-try' })
        .expect(404);
    }
    const page = await otherHead.get(`/sheets/${project.id}/evaluation`);
    expect(page.status).toBe(404);
    const { reporter, evaluator } = stack.users;
    await binary(reporter.get(`/api/evaluations/${project.id}/report.docx`)).expect(200);
    await reporter
      .post(`/api/evaluations/${project.id}/report/resend`)
      .send({ requestId: 'reporter-try-1' })
      .expect(403);
    // the assigned evaluator may resend; nothing is on its way, so it goes
    const res = await evaluator
      .post(`/api/evaluations/${project.id}/report/resend`)
      .send({ requestId: 'evaluator-resend-1' })
      .expect(201);
    expect(res.body).toMatchObject({ repeated: false, recipient: 'lukou@example.gov.cn' });
    expect(await ds.getRepository(ReportDeliveryEntity).countBy({ requestKey: 'other-unit-try' })).toBe(0);
    await smtp.withSubject(PROJECT_SUBJECT, 2);
  });

  it('a unit that asks for the Word/Excel copies gets them after the PDF, the bytes of the downloads; a resend follows the setting as it is then', async () => {
    const { admin, head } = stack.users;
    const DOCX = PROJECT_PDF.replace(/\.pdf$/, '.docx');
    const XLSX = PROJECT_PDF.replace(/\.pdf$/, '.xlsx');
    /** a resend of the 自评表 by the unit's head, and the mail it sends */
    const resend = async (requestId: string) => {
      const before = smtp.messages.filter((m) => m.subject === PROJECT_SUBJECT).length;
      await head.post(`/api/evaluations/${project.id}/report/resend`).send({ requestId }).expect(201);
      const row = await ds.getRepository(ReportDeliveryEntity).findOneByOrFail({ requestKey: requestId });
      await stack.jobs.done(Queue.Mail, jobId(Job.MailReport, row.reportFileId, row.id), requestId);
      return smtp.withSubject(PROJECT_SUBJECT, before + 1);
    };

    await walk.signIn('fuzeren');
    await walk.go(`/units/${unitId}/profile`);
    expect(await walk.page.$$eval('#reportAttachments option', (os) => os.map((o) => o.textContent))).toEqual([
      '仅 PDF',
      'PDF 及 Word、Excel 副本',
    ]);
    expect(await walk.value('#reportAttachments')).toBe('pdf');
    await walk.page.select('#reportAttachments', 'with-copies');
    await walk.submit('#profile-form button[type=submit]');
    expect(await walk.text('main')).toContain('单位概况已保存');
    expect(await walk.value('#reportAttachments')).toBe('with-copies');
    await walk.shot('profile-attachments');
    const saved = (await admin.get(`/api/units/${unitId}/profile`).expect(200)).body;
    expect(saved).toMatchObject({ reportAttachments: 'with-copies', contactEmail: 'lukou@example.gov.cn' });
    // audited by the labels people chose from
    const audit = await ds
      .getRepository(AuditLogEntity)
      .findBy({ entity: 'unit', entityId: unitId, action: 'profile', field: '报告邮件附件' });
    expect(audit.map((a) => [a.oldValue, a.newValue])).toEqual([['仅 PDF', 'PDF 及 Word、Excel 副本']]);

    const mail = await resend('with-copies-1');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [PROJECT_PDF, 'application/pdf'],
      [DOCX, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [XLSX, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ]);
    for (const [i, format] of ['pdf', 'docx', 'xlsx'].entries()) {
      const stored = await binary(admin.get(`/api/evaluations/${project.id}/report.${format}`)).expect(200);
      expect(Buffer.compare(mail.attachments[i].content, stored.body as Buffer)).toBe(0);
    }
    expect(mail.text).toContain(`附件为2026年度“${PROJECT}”项目支出绩效自评表（PDF、Word、Excel）。`);
    expect(mail.text).toContain(`Word：${DOCX}`);
    expect(mail.text).toContain(`Excel：${XLSX}`);

    // a stale save of the choice: both sides by their labels, nothing overwritten
    await walk.go(`/units/${unitId}/profile`);
    await admin
      .put(`/api/units/${unitId}/profile`)
      .send({ reportAttachments: 'pdf', version: saved.version })
      .expect(200);
    await walk.page.select('#reportAttachments', 'with-copies');
    expect(await walk.submit('#profile-form button[type=submit]')).toBe(409);
    expect(
      await walk.page.$$eval('#stale-fields tbody tr', (rows) =>
        rows.map((r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent?.trim())),
      ),
    ).toEqual([['报告邮件附件', '仅 PDF', 'PDF 及 Word、Excel 副本']]);
    expect(await walk.value('#reportAttachments')).toBe('with-copies');
    // an unknown value is refused, naming the field; nothing changes
    const bad = await admin.put(`/api/units/${unitId}/profile`).send({ reportAttachments: 'word' }).expect(422);
    expect(bad.body.message).toContain('“报告邮件附件”只能选择“仅 PDF”或“PDF 及 Word、Excel 副本”');

    // the administrator's 仅 PDF stands: the next resend carries the PDF only
    expect((await admin.get(`/api/units/${unitId}/profile`).expect(200)).body.reportAttachments).toBe('pdf');
    const plain = await resend('pdf-only-again-1');
    expect(plain.attachments.map((a) => a.filename)).toEqual([PROJECT_PDF]);
    expect(plain.text).toContain('（PDF）。');
    expect(plain.text).not.toContain('Word');
    await walk.signOut();
  });
});
