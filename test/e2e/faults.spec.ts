import { execFileSync } from 'node:child_process';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { ReportFileEntity } from '@selfeval/db';
import { Job, jobId, JobProducer, Queue } from '@selfeval/jobs';
import { createWorker } from '../../apps/worker/src/create-worker';
import { binary } from '../helpers/http';
import { pdfText } from '../helpers/pdf';
import { createApi } from '../../apps/api/src/create-api';
import { signedIn } from '../helpers/auth';
import { testConfig } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';
import { createPgSchema, describePg } from '../helpers/postgres';
import { tcpProxy } from '../helpers/tcp-proxy';
import { waitFor } from '../helpers/wait-for';

describePg('faults: the database connection drops and comes back', () => {
  let app: NestExpressApplication;
  let drop: () => Promise<void>;
  let proxy: Awaited<ReturnType<typeof tcpProxy>>;

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    const url = new URL(pg.db.url);
    proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    app = await createApi(testConfig({ database: { ...pg.db, url: url.toString() } }));
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await drop?.();
  });

  it('answers 503 in Chinese while PostgreSQL is unreachable and recovers without a restart', async () => {
    const { agent } = await signedIn(app, 'admin');
    await agent.post('/api/targets/import').attach('files', seedFile('003')).expect(201);
    const before = (await agent.get('/api/targets/sheets').expect(200)).body.length;

    await proxy.cut();
    const down = await agent.get('/api/targets/sheets');
    expect({ status: down.status, body: down.body }).toMatchObject({
      status: 503,
      body: { code: 'UNAVAILABLE', message: '数据库暂时无法连接，请稍后重试' },
    });
    expect(down.headers['retry-after']).toBe('5');
    const health = await agent.get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body.database.ok).toBe(false);

    await proxy.restore();
    const after = await waitFor(
      async () => {
        const r = await agent.get('/api/targets/sheets');
        return r.status === 200 ? r.body : undefined;
      },
      'the API to answer again',
      15_000,
      250,
    );
    expect(after.length).toBe(before);
    await agent.get('/api/health').expect(200);
  });
});

describePg('faults: Chromium killed in the middle of a render', () => {
  let app: NestExpressApplication;
  let worker: INestApplicationContext;
  let drop: () => Promise<void>;

  /** Chromium processes started by this test process (the worker runs in it). */
  function chromiumChildren(): number[] {
    const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    return rows
      .filter(([, ppid, comm]) => Number(ppid) === process.pid && /chrom/.test(comm))
      .map(([pid]) => Number(pid));
  }

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    const config = testConfig({ database: pg.db });
    app = await createApi(config);
    await app.init();
    worker = await createWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await drop?.();
  });

  it('retries the job with a relaunched browser and stores the PDF once', async () => {
    const { agent } = await signedIn(app, 'admin');
    await agent.post('/api/targets/import').attach('files', seedFile('004')).expect(201);
    const sheet = (await agent.get('/api/targets/sheets?year=2026').expect(200)).body.find(
      (s: { name: string }) => s.name === '驻京维稳工作组专项',
    );
    await agent.post(`/api/targets/sheets/${sheet.id}/approve`).expect(201);
    await agent
      .put('/api/actuals/periods/2026/Q4')
      .send({
        opensAt: new Date(Date.now() - 86_400_000).toISOString(),
        closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
      .expect(200);
    const indicators = (await agent.get(`/api/targets/sheets/${sheet.id}`).expect(200)).body.indicators as {
      id: string;
      targetRaw: string;
    }[];
    await agent
      .put(`/api/actuals/sheets/${sheet.id}/periods/Q4`)
      .send({
        spending: [{ source: '财政拨款', amount: '57' }],
        values: indicators.map((i) => ({ indicatorId: i.id, value: i.targetRaw.replace(/^[≥≤=]/, '') })),
      })
      .expect(200);
    await agent.post(`/api/actuals/sheets/${sheet.id}/periods/Q4/submit`).expect(201);
    const ev = await waitFor(async () => {
      const r = (await agent.get(`/api/evaluations/${sheet.id}`)).body;
      return r.current ? r : undefined;
    }, 'scores');

    const before = chromiumChildren();
    const producer = worker.get(JobProducer);
    const job = await producer.enqueue(
      Job.RenderReport,
      { kind: 'project-self-eval', subjectId: ev.id, dataVersion: ev.dataVersion, mail: false },
      { jobId: jobId(Job.RenderReport, 'fault', ev.id) },
    );
    // the worker launches its browser for this render: kill it as soon as it appears
    const killed = await waitFor(
      async () => {
        const fresh = chromiumChildren().filter((p) => !before.includes(p));
        return fresh.length ? fresh : undefined;
      },
      'the renderer’s Chromium',
      20_000,
      20,
    );
    for (const pid of killed) process.kill(pid, 'SIGKILL');

    const finished = await waitFor(
      async () => {
        const j = await producer.queue(Queue.Reports).getJob(job.id!);
        return j && (await j.isCompleted()) ? j : undefined;
      },
      'the render job to complete after a retry',
      60_000,
      200,
    );
    expect(finished.attemptsMade).toBeGreaterThanOrEqual(2);
    expect(finished.returnvalue).toEqual({ reportFileId: expect.any(String) });
    expect(chromiumChildren().some((p) => !killed.includes(p))).toBe(true); // a new browser serves the retry
    const files = await app.get(DataSource).getRepository(ReportFileEntity).findBy({ evaluationId: ev.id });
    expect(files).toHaveLength(1);
    const pdf = (await binary(agent.get(`/api/evaluations/${sheet.id}/report.pdf`)).expect(200)).body as Buffer;
    expect(pdfText(pdf)).toContain('驻京维稳工作组专项');
  }, 120_000);
});
