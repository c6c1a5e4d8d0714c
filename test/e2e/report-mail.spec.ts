import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Job, JobProducer } from '@selfeval/jobs';
import { createApi } from '../../apps/api/src/create-api';
import { createWorker } from '../../apps/worker/src/create-worker';
import { testConfig } from '../helpers/config';
import { binary } from '../helpers/http';
import { seedFile } from '../helpers/fixtures';
import { pdfText } from '../helpers/pdf';
import { createPgSchema, describePg } from '../helpers/postgres';
import { startSmtpCatcher } from '../helpers/smtp-catcher';

const DAY = 86_400_000;

describePg('绩效自评表 PDF rendered by a worker job and mailed exactly once', () => {
  let app: NestExpressApplication;
  let worker: INestApplicationContext;
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let drop: () => Promise<void>;
  let sheetId: string;
  const http = () => request(app.getHttpServer());

  async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    smtp = await startSmtpCatcher();
    const base = testConfig({ database: pg.db });
    const config = { ...base, mail: { ...base.mail, smtpUrl: smtp.url } };
    app = await createApi(config);
    await app.init();
    worker = await createWorker(config);
    await http().post('/api/targets/import').attach('files', seedFile('004')).expect(201);
    const sheet = (await http().get('/api/targets/sheets?year=2026').expect(200)).body.find((s: { name: string }) => s.name === '驻京维稳工作组专项');
    sheetId = sheet.id;
    await http().post(`/api/targets/sheets/${sheetId}/approve`).expect(201);
    await http().put(`/api/units/${encodeURIComponent('株洲市渌口区信访局')}/contact`).send({ email: 'lukou@example.gov.cn' }).expect(200);
    await http().put('/api/actuals/periods/2026/Q4').send({ opensAt: new Date(Date.now() - DAY).toISOString(), closesAt: new Date(Date.now() + DAY).toISOString() }).expect(200);
    const indicators = (await http().get(`/api/targets/sheets/${sheetId}`).expect(200)).body.indicators as { id: string; targetRaw: string }[];
    const values = indicators.map((i) => ({ indicatorId: i.id, value: i.targetRaw.replace(/^[≥≤=]/, '') }));
    await http().put(`/api/actuals/sheets/${sheetId}/periods/Q4`).send({ spending: [{ source: '财政拨款', amount: '57' }], values }).expect(200);
    await http().post(`/api/actuals/sheets/${sheetId}/periods/Q4/submit`).expect(201);
    await until(async () => ((await http().get(`/api/evaluations/${sheetId}`)).body.current ? true : undefined), 'scores');
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await smtp?.stop();
    await drop?.();
  });

  it('renders the PDF, stores it, and mails it with the same bytes attached', async () => {
    await http().post(`/api/evaluations/${sheetId}/report`).expect(201);
    const mail = await until(async () => smtp.messages[0], 'the mail');
    expect(mail.subject).toBe('【绩效自评】2026年度“驻京维稳工作组专项”绩效自评表');
    expect(mail.text).toContain('自评得分 99.50 分，等级“优”');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].filename).toBe('株洲市渌口区信访局-驻京维稳工作组专项-2026年度绩效自评表.pdf');

    const stored = await binary(http().get(`/api/evaluations/${sheetId}/report.pdf`)).expect(200);
    expect(Buffer.compare(mail.attachments[0].content, stored.body as Buffer)).toBe(0);
    const text = pdfText(stored.body as Buffer);
    expect(text).toContain('驻京维稳工作组专项');
    expect(text).toContain('株洲市渌口区信访局');
    expect(text).toMatch(/自评等级：优/);
  });

  it('never sends a report version twice, even when the jobs run again', async () => {
    const producer = worker.get(JobProducer);
    const ev = (await http().get(`/api/evaluations/${sheetId}`)).body;
    const rendered = await producer.enqueueAndWait(Job.RenderReport, { evaluationId: ev.id, dataVersion: ev.dataVersion, mail: false }, 30_000);
    const file = (await http().get(`/api/evaluations/${sheetId}/report.pdf`)).headers['x-report-version'];
    expect(file).toBe(String(ev.dataVersion));
    const again = await producer.enqueueAndWait(Job.MailReport, rendered as { reportFileId: string }, 30_000);
    expect(again).toEqual({ sent: 0, skipped: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(1);
  });
});
