import { DataSource } from 'typeorm';
import { UsersService } from '@selfeval/auth';
import {
  AuditLogEntity,
  QuarterReportEntity,
  ReportFileEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
} from '@selfeval/db';
import { ALL_QUEUES, Job, JobProducer, Queue } from '@selfeval/jobs';
import { AppProcess, healthy, HttpSession, processEnv, randomSecret } from '../helpers/app-processes';
import { TEST_PASSWORD } from '../helpers/auth';
import { unfinishedJobs } from '../helpers/job-events';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';
import { countScored, seedSyntheticYearEnd } from '../helpers/synthetic';

const SHEETS = Number(process.env.MULTI_SHEETS ?? 24);
/** sheets whose transitions both APIs receive at once (RACERS identical requests, half on each) */
const RACED = 4;
const RACERS = 6;
const WORKERS = 3;
/** year-end values that meet every synthetic target (in indicator order), so the head can submit without texts */
const MET = ['10次', '90%', '9万元', '95%', '92%'];

/**
 * Production's shape on one machine: 2 compiled API processes and 3 compiled worker processes
 * (`npm run start:api` / `start:worker`) on one PostgreSQL schema and one Redis, sharing the data
 * directory as they would share a volume. The test process only prepares data and watches BullMQ's events.
 */
describePg(`${SHEETS} sheets through 2 API processes and ${WORKERS} worker processes`, () => {
  let stack: Stack;
  let ds: DataSource;
  const processes: AppProcess[] = [];
  let apis: AppProcess[];
  let workerPids: number[];
  let sheets: TargetSheetEntity[];
  let reporter: HttpSession;
  let head: HttpSession;
  let evaluator: HttpSession;

  beforeAll(async () => {
    // the in-process app applies the migrations and seeds; the spawned processes then start together
    stack = await startStack({});
    ds = stack.app.get(DataSource);
    await seedSyntheticYearEnd(stack.app, SHEETS);
    const users = stack.app.get(UsersService);
    const make = async (username: string, role: 'reporter' | 'head' | 'evaluator') =>
      users.create({
        username,
        displayName: username,
        role,
        unitCode: role === 'evaluator' ? undefined : '900',
        password: TEST_PASSWORD,
      });
    await make('mp.reporter', 'reporter');
    await make('mp.head', 'head');
    const { user: ev } = await make('mp.evaluator', 'evaluator');
    await users.assign(ev.id, ['900']);
    sheets = await ds
      .getRepository(TargetSheetEntity)
      .find({ relations: { indicators: true }, order: { name: 'ASC' } });

    const env = processEnv(stack.config, { SESSION_SECRET: randomSecret(), WORKER_CONCURRENCY: '2' });
    for (let i = 0; i < 2; i++) processes.push(await AppProcess.start('api', env));
    for (let i = 0; i < WORKERS; i++) processes.push(await AppProcess.start('worker', env));
    apis = processes.filter((p) => p.kind === 'api');
    workerPids = processes.filter((p) => p.kind === 'worker').map((p) => p.child.pid!);
    await healthy(apis[0], (w) => ALL_QUEUES.every((q) => w[q] === WORKERS));
    await healthy(apis[1]);

    reporter = await HttpSession.signIn(apis[0].url, 'mp.reporter', TEST_PASSWORD);
    head = await HttpSession.signIn(apis[1].url, 'mp.head', TEST_PASSWORD);
    evaluator = await HttpSession.signIn(apis[0].url, 'mp.evaluator', TEST_PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await stack?.close();
  });

  /** The i-th request goes to API i mod 2. */
  const api = (i: number) => apis[i % 2].url;

  /** RACERS identical requests at once, alternating between the two APIs: exactly one 2xx, the rest 409 in Chinese. */
  async function race(session: HttpSession, route: string, what: string) {
    const res = await Promise.all(Array.from({ length: RACERS }, (_, i) => session.request(api(i), 'POST', route, {})));
    const ok = res.filter((r) => r.status < 300);
    const refused = res.filter((r) => r.status >= 300);
    expect({ what, ok: ok.length, refused: refused.map((r) => r.status) }).toEqual({
      what,
      ok: 1,
      refused: Array(RACERS - 1).fill(409),
    });
    for (const r of refused) expect(r.body.message).toMatch(/[\u4e00-\u9fa5]/);
  }

  const audits = (entityId: string, action: string) => ds.getRepository(AuditLogEntity).countBy({ entityId, action });

  it('a session made on one API process is valid on the other; sign-out on one ends it on both', async () => {
    const s = await HttpSession.signIn(apis[0].url, 'mp.reporter', TEST_PASSWORD);
    const onB = await s.request(apis[1].url, 'GET', '/api/auth/session');
    expect(onB.body.user).toMatchObject({ username: 'mp.reporter' });
    // a write on B with the token A handed out passes B's CSRF check (the token lives in the shared session)
    const q = `/api/actuals/sheets/${sheets[0].id}/periods/Q4`;
    expect((await s.request(apis[1].url, 'GET', q)).status).toBe(200);
    expect((await s.request(apis[1].url, 'POST', '/api/auth/logout', {})).status).toBeLessThan(300);
    expect((await s.request(apis[0].url, 'GET', '/api/auth/session')).body.user).toBeNull();
  });

  it('year-end batch: Q4 submitted → scored → submitted → approved → PDFs, each job once, each transition one winner', async () => {
    const { jobs } = stack;
    const evaluations = ds.getRepository(SelfEvaluationEntity);
    const raced = sheets.slice(0, RACED);

    // the reporter fills in the year end through both processes (a save is no transition: sequential)
    for (const [i, s] of sheets.entries()) {
      const values = [...s.indicators!]
        .sort((a, b) => a.position - b.position)
        .map((ind, k) => ({ indicatorId: ind.id, value: MET[k] }));
      const saved = await reporter.request(api(i), 'PUT', `/api/actuals/sheets/${s.id}/periods/Q4`, {
        spending: [{ source: '财政拨款', amount: '9.5' }],
        values,
      });
      expect({ sheet: s.name, status: saved.status, body: saved.status === 200 ? {} : saved.body }).toEqual({
        sheet: s.name,
        status: 200,
        body: {},
      });
    }

    // Q4 submit (which starts scoring): raced for some sheets, one request each for the rest
    for (const s of raced) await race(reporter, `/api/actuals/sheets/${s.id}/periods/Q4/submit`, `Q4 ${s.name}`);
    for (const [i, s] of sheets.slice(RACED).entries())
      expect((await reporter.request(api(i), 'POST', `/api/actuals/sheets/${s.id}/periods/Q4/submit`, {})).status).toBe(
        201,
      );
    await jobs.until(() => (countDone(Queue.Scoring) >= SHEETS ? true : undefined), `${SHEETS} scorings`);
    expect(await countScored(ds)).toBe(SHEETS);

    // the head submits, the evaluator approves: raced where the Q4 submit was
    for (const s of raced) await race(head, `/api/evaluations/${s.id}/submit`, `submit ${s.name}`);
    for (const s of raced) await race(evaluator, `/api/evaluations/${s.id}/approve`, `approve ${s.name}`);
    for (const s of raced) {
      const report = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId: s.id, period: 'Q4' });
      const ev = await evaluations.findOneByOrFail({ sheetId: s.id });
      expect({
        sheet: s.name,
        q4Submit: await audits(report.id, 'submit'),
        submit: await audits(ev.id, 'submit'),
        approve: await audits(ev.id, 'approve'),
        status: ev.status,
      }).toEqual({ sheet: s.name, q4Submit: 1, submit: 1, approve: 1, status: 'approved' });
    }

    // every sheet's 自评表, requested through either process, rendered by some worker
    const renders: string[] = [];
    for (const [i, s] of sheets.entries()) {
      const res = await head.request(api(i), 'POST', `/api/evaluations/${s.id}/report`, {});
      expect({ sheet: s.name, status: res.status }).toEqual({ sheet: s.name, status: 201 });
      for (const j of res.body.jobs as { jobId: string }[]) renders.push(j.jobId);
    }
    expect(renders).toHaveLength(SHEETS);
    for (const id of renders) await jobs.done(Queue.Reports, id, `render ${id}`);
    const files = await ds.getRepository(ReportFileEntity).find();
    expect(files).toHaveLength(SHEETS);
    expect(new Set(files.map((f) => `${f.evaluationId}-v${f.dataVersion}`)).size).toBe(SHEETS);

    // exactly once: no job completed twice, nothing failed or left waiting, and the work was spread over the workers
    expect(jobs.completedTwice()).toEqual([]);
    expect(countDone(Queue.Scoring)).toBe(SHEETS);
    expect(countDone(Queue.Monitoring)).toBe(SHEETS);
    const producer = stack.app.get(JobProducer);
    expect(await unfinishedJobs(producer, [Queue.Scoring, Queue.Monitoring, Queue.Reports])).toEqual([]);
    const ranBy = new Set<string>();
    for (const q of [Queue.Scoring, Queue.Monitoring, Queue.Reports])
      for (const job of await producer.queue(q).getJobs(['completed'], 0, -1)) ranBy.add(job.processedBy ?? '(none)');
    const pids = [...ranBy].map((name) => Number(name.split(':').pop()));
    expect(pids.every((pid) => workerPids.includes(pid))).toBe(true);
    expect(ranBy.size).toBeGreaterThan(1);
  }, 300_000);

  /** Distinct jobs of the queue that completed, by BullMQ's events (a job processed twice would complete twice). */
  const countDone = (queue: Queue) =>
    stack.jobs.completed(queue, `${queue === Queue.Scoring ? Job.ScoreSheet : Job.ComputeMonitoring}-`);
});
