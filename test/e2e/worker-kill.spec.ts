import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { MailDeliveryEntity, ReportFileEntity, SelfEvaluationEntity, TargetSheetEntity } from '@selfeval/db';
import { EvaluationService } from '@selfeval/evaluation';
import { Job, jobId, JobProducer, Queue, QUEUE_OF as QUEUE } from '@selfeval/jobs';
import { TargetsService } from '@selfeval/targets';
import { unfinishedJobs } from '../helpers/job-events';
import { describePg } from '../helpers/postgres';
import { killTree } from '../helpers/processes';
import { Stack, startStack } from '../helpers/stack';
import { countScored, seedSyntheticYearEnd } from '../helpers/synthetic';

const ROOT = path.join(__dirname, '../..');
const SCORES = Number(process.env.FAULT_SCORES ?? 1000);
const RENDERS = Number(process.env.FAULT_RENDERS ?? 200);

/** Production worker processes (compiled, as `npm run start:worker` runs them), on the test's schema and prefix. */
describePg(
  `faults: a worker SIGKILLed halfway through ${SCORES} scorings and ${RENDERS} renders; three workers take over`,
  () => {
    let stack: Stack;
    let app: NestExpressApplication;
    let schemaUrl: string;
    const children: ChildProcess[] = [];

    function startWorker(): ChildProcess {
      const { config } = stack;
      const child = spawn(
        process.execPath,
        ['-r', path.join(ROOT, 'scripts/register-paths.js'), path.join(ROOT, 'dist/apps/worker/src/main.js')],
        {
          env: {
            ...process.env,
            DATABASE_URL: schemaUrl,
            REDIS_URL: config.redisUrl,
            QUEUE_PREFIX: config.queuePrefix,
            DATA_DIR: config.dataDir,
            SMTP_URL: config.mail.smtpUrl,
            JOB_LOCK_SECONDS: '3',
            // a mail in flight at the kill is taken over after this (production: 120 s)
            MAIL_LEASE_SECONDS: '15',
            WORKER_CONCURRENCY: '4',
            LOG_LEVEL: process.env.FAULT_TRACE ? 'warn' : 'silent',
            NODE_ENV: 'test',
          },
          stdio: process.env.FAULT_TRACE ? ['ignore', 'inherit', 'inherit'] : 'ignore',
        },
      );
      children.push(child);
      if (process.env.FAULT_TRACE)
        child.on('exit', (code, signal) =>
          process.stderr.write(`[fault] worker ${child.pid} exited ${code} ${signal}\n`),
        );
      return child;
    }

    beforeAll(async () => {
      stack = await startStack({ smtp: true });
      app = stack.app;
      const db = stack.config.database as { url: string; schema: string };
      const url = new URL(db.url);
      url.searchParams.set('schema', db.schema);
      schemaUrl = url.toString();
      await seedSyntheticYearEnd(app, SCORES);
      await app.get(TargetsService).setContactEmail('900', 'fault@example.gov.cn');
    }, 300_000);
    afterAll(async () => {
      const trace = (m: string) => process.env.FAULT_TRACE && process.stderr.write(`[fault] ${m}\n`);
      // after a failure: the workers and whatever they started (Chromium) go too
      for (const c of children) if (c.exitCode === null && c.signalCode === null) await killTree(c.pid!);
      trace('closing the stack');
      await stack?.close();
      trace('done');
    });

    it('completes every job once: each evaluation scored, each PDF stored once per data version, each mail once (one in flight at the kill may repeat, same Message-ID)', async () => {
      const ds = app.get(DataSource);
      const producer = app.get(JobProducer);
      const evaluations = app.get(EvaluationService);
      const { jobs } = stack;
      const smtp = stack.smtp!;
      // distinct jobs that completed, from BullMQ's events; a job processed twice would complete twice
      const completed = (job: Job) => jobs.completed(QUEUE[job], `${job}-`);
      const atLeast = (job: Job, n: number, what: string) =>
        jobs.until(() => (completed(job) >= n ? true : undefined), what, 300_000);
      const scored = () => countScored(ds);

      const sheets = await ds.getRepository(TargetSheetEntity).find({ order: { name: 'ASC' } });
      // wave 1: the evaluations to render are scored first
      for (const s of sheets.slice(0, RENDERS)) await evaluations.requestScoring(s.id);
      const first = startWorker();
      if (process.env.FAULT_TRACE) process.stderr.write(`[fault] worker ${first.pid} started\n`);
      await atLeast(Job.ScoreSheet, RENDERS, 'the first scores');
      // wave 2: renders (which mail) and the remaining scorings together; the worker is killed in the middle of both
      // both kinds are queued before the worker takes any, so the kill falls in the middle of both
      const paused = [Queue.Reports, Queue.Scoring].map((q) => producer.queue(q));
      for (const q of paused) await q.pause();
      const toRender = await ds.getRepository(SelfEvaluationEntity).find();
      for (const ev of toRender) {
        await producer.enqueue(
          Job.RenderReport,
          { kind: 'project-self-eval', subjectId: ev.id, dataVersion: ev.dataVersion, mail: true },
          { jobId: jobId(Job.RenderReport, 'project-self-eval', ev.id, `v${ev.dataVersion}`) },
        );
      }
      for (const s of sheets.slice(RENDERS)) await evaluations.requestScoring(s.id);
      for (const q of paused) await q.resume();
      await atLeast(Job.RenderReport, Math.max(5, Math.ceil(RENDERS / 20)), 'some renders');
      const scoredAtKill = await scored();
      const filesAtKill = await ds.getRepository(ReportFileEntity).count();
      const exited = new Promise((r) => first.once('exit', r));
      await killTree(first.pid!); // the worker and its Chromium, as when the machine loses the process
      await exited;
      // mails whose outcome the killed worker never recorded: SMTP has no exactly-once, so these may arrive twice
      const inFlight = await ds.getRepository(MailDeliveryEntity).countBy({ status: 'sending' });
      expect(scoredAtKill).toBeLessThan(SCORES);
      expect(filesAtKill).toBeLessThan(RENDERS);

      for (let k = 0; k < 3; k++) startWorker();
      await atLeast(Job.ScoreSheet, SCORES, 'all scores');
      await atLeast(Job.MailReport, RENDERS, 'all mails');
      // every job of every wave has completed: nothing is left that could still send
      expect(await scored()).toBe(SCORES);
      expect(await ds.getRepository(MailDeliveryEntity).countBy({ status: 'sent' })).toBe(RENDERS);

      const files = await ds.getRepository(ReportFileEntity).find();
      expect(files).toHaveLength(RENDERS);
      expect(new Set(files.map((f) => `${f.evaluationId}-v${f.dataVersion}`)).size).toBe(RENDERS);
      // each report reached the recipient once, except at most the mails in flight at the kill, which are resent
      // with the same Message-ID so the receiving side recognises the duplicate
      expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(RENDERS);
      expect(new Set(smtp.messages.map((m) => m.subject)).size).toBe(RENDERS);
      expect(smtp.messages.length - RENDERS).toBeLessThanOrEqual(inFlight);
      expect(jobs.completedTwice()).toEqual([]);
      expect(await unfinishedJobs(producer, [Queue.Scoring, Queue.Reports, Queue.Mail])).toEqual([]);

      const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
      for (const c of running) c.kill('SIGTERM');
      await Promise.all(running.map((c) => new Promise((r) => c.once('exit', r))));
      if (process.env.FAULT_TRACE) process.stderr.write('[fault] test body done\n');
    }, 600_000);
  },
);
