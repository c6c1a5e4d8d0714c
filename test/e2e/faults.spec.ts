import { execFileSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { ReportFileEntity } from '@selfeval/db';
import { Job, jobId, JobProducer, Queue } from '@selfeval/jobs';
import { binary } from '../helpers/http';
import { pdfText } from '../helpers/pdf';
import { describePg } from '../helpers/postgres';
import { killTree } from '../helpers/processes';
import { LUKOU_YEAR_END, Stack, startStack } from '../helpers/stack';
import { tcpProxy } from '../helpers/tcp-proxy';
import { waitFor } from '../helpers/wait-for';

describePg('faults: the database connection drops and comes back', () => {
  let stack: Stack;
  let proxy: Awaited<ReturnType<typeof tcpProxy>>;

  beforeAll(async () => {
    stack = await startStack({
      seed: ['003'],
      db: async (db) => {
        const url = new URL(db.url);
        proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
        url.host = `127.0.0.1:${proxy.port}`;
        return { ...db, url: url.toString() };
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.stop();
  });

  it('answers 503 in Chinese while PostgreSQL is unreachable and recovers without a restart', async () => {
    const agent = stack.users.admin;
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
  let stack: Stack;

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
    stack = await startStack(LUKOU_YEAR_END);
  });
  afterAll(() => stack?.close());

  it('retries the job with a relaunched browser and stores the PDF once', async () => {
    const agent = stack.users.admin;
    const sheet = stack.sheets.find((s) => s.name === '驻京维稳工作组专项')!;
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
    const ev = await stack.scored(sheet.id);

    const before = chromiumChildren();
    const producer = stack.worker!.get(JobProducer);
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
    for (const pid of killed) await killTree(pid); // with its renderers, and the temp dirs a killed browser cannot remove

    const result = await stack.jobs.done(Queue.Reports, job.id!, 'the render job to complete after a retry');
    const finished = (await producer.queue(Queue.Reports).getJob(job.id!))!;
    expect(finished.attemptsMade).toBeGreaterThanOrEqual(2);
    expect(result).toEqual({ reportFileId: expect.any(String) });
    expect(chromiumChildren().some((p) => !killed.includes(p))).toBe(true); // a new browser serves the retry
    const files = await stack.app.get(DataSource).getRepository(ReportFileEntity).findBy({ evaluationId: ev.id });
    expect(files).toHaveLength(1);
    const pdf = (await binary(agent.get(`/api/evaluations/${sheet.id}/report.pdf`)).expect(200)).body as Buffer;
    expect(pdfText(pdf)).toContain('驻京维稳工作组专项');
  }, 120_000);
});
