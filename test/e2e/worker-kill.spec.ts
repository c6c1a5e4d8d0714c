import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { PeriodsService, QuarterReportsService } from '@selfeval/actuals';
import { MailDeliveryEntity, ReportFileEntity, SelfEvaluationEntity, TargetSheetEntity } from '@selfeval/db';
import { EvaluationService } from '@selfeval/evaluation';
import { Job, jobId, JobProducer, Queue } from '@selfeval/jobs';
import { TargetsService } from '@selfeval/targets';
import { createApi } from '../../apps/api/src/create-api';
import { testConfig } from '../helpers/config';
import { createPgSchema, describePg } from '../helpers/postgres';
import { startSmtpCatcher } from '../helpers/smtp-catcher';
import { syntheticProject as sheet, syntheticValues } from '../helpers/synthetic';
import { waitFor } from '../helpers/wait-for';

const ROOT = path.join(__dirname, '../..');
const SCORES = Number(process.env.FAULT_SCORES ?? 1000);
const RENDERS = Number(process.env.FAULT_RENDERS ?? 200);
const DAY = 86_400_000;

/** Production worker processes (compiled, as `npm run start:worker` runs them), on the test's schema and prefix. */
describePg(
  `faults: a worker SIGKILLed halfway through ${SCORES} scorings and ${RENDERS} renders; three workers take over`,
  () => {
    let app: NestExpressApplication;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
    let config: ReturnType<typeof testConfig>;
    let schemaUrl: string;
    const children: ChildProcess[] = [];

    function startWorker(): ChildProcess {
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
      const pg = await createPgSchema();
      drop = pg.drop;
      smtp = await startSmtpCatcher();
      const base = testConfig({ database: pg.db });
      config = { ...base, mail: { ...base.mail, smtpUrl: smtp.url } };
      const url = new URL(pg.db.url);
      url.searchParams.set('schema', pg.db.schema!);
      schemaUrl = url.toString();
      app = await createApi(config);
      await app.init();
      const targets = app.get(TargetsService);
      await targets.importResult(
        { sheets: Array.from({ length: SCORES }, (_, i) => sheet(i)), warnings: [] },
        { name: 'synthetic', hash: 'synthetic' },
      );
      await targets.setContactEmail('900', 'fault@example.gov.cn');
      const periods = app.get(PeriodsService);
      const reports = app.get(QuarterReportsService);
      await periods.setPeriod(2026, 'Q4', new Date(Date.now() - DAY), new Date(Date.now() + DAY), 'test');
      const sheets = await app
        .get(DataSource)
        .getRepository(TargetSheetEntity)
        .find({ relations: { indicators: true } });
      for (const s of sheets) {
        await targets.approve(s.id, 'test');
        const values = syntheticValues(s.indicators!);
        await reports.saveDraft(s.id, 'Q4', { spending: [{ source: '财政拨款', amount: '9.5' }], values }, 'test');
      }
    }, 300_000);
    afterAll(async () => {
      const trace = (m: string) => process.env.FAULT_TRACE && process.stderr.write(`[fault] ${m}\n`);
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      trace('closing app');
      await app?.close();
      trace('stopping smtp');
      await smtp?.stop();
      trace('dropping schema');
      await drop?.();
      trace('done');
    });

    it('completes every job once: each evaluation scored, each PDF stored once per data version, each mail once (one in flight at the kill may repeat, same Message-ID)', async () => {
      const ds = app.get(DataSource);
      const producer = app.get(JobProducer);
      const evaluations = app.get(EvaluationService);
      // every completion seen by Redis, per job id: a job processed twice would complete twice
      const completions = new Map<string, number>();
      const watchers = await Promise.all(
        [Queue.Scoring, Queue.Reports, Queue.Mail].map(async (q) => {
          const connection = new IORedis(config.redisUrl!, { maxRetriesPerRequest: null });
          const events = new QueueEvents(q, { connection, prefix: config.queuePrefix });
          events.on('completed', ({ jobId: id }) => completions.set(id, (completions.get(id) ?? 0) + 1));
          await events.waitUntilReady();
          return { events, connection };
        }),
      );
      const scored = () =>
        ds
          .getRepository(SelfEvaluationEntity)
          .createQueryBuilder('e')
          .where('e.scored_version = e.data_version')
          .andWhere("e.score_state = 'scored'")
          .getCount();

      const sheets = await ds.getRepository(TargetSheetEntity).find({ order: { name: 'ASC' } });
      // wave 1: the evaluations to render are scored first
      for (const s of sheets.slice(0, RENDERS)) await evaluations.requestScoring(s.id);
      const first = startWorker();
      if (process.env.FAULT_TRACE) process.stderr.write(`[fault] worker ${first.pid} started\n`);
      await waitFor(async () => ((await scored()) >= RENDERS ? true : undefined), 'the first scores', 120_000, 100);
      // wave 2: renders (which mail) and the remaining scorings together; the worker is killed in the middle of both
      const toRender = await ds.getRepository(SelfEvaluationEntity).find();
      for (const ev of toRender) {
        await producer.enqueue(
          Job.RenderReport,
          { kind: 'project-self-eval', subjectId: ev.id, dataVersion: ev.dataVersion, mail: true },
          { jobId: jobId(Job.RenderReport, 'project-self-eval', ev.id, `v${ev.dataVersion}`) },
        );
      }
      for (const s of sheets.slice(RENDERS)) await evaluations.requestScoring(s.id);
      await waitFor(
        async () =>
          (await ds.getRepository(ReportFileEntity).count()) >= Math.max(5, Math.ceil(RENDERS / 20)) ? true : undefined,
        'some renders',
        120_000,
        50,
      );
      const scoredAtKill = await scored();
      const filesAtKill = await ds.getRepository(ReportFileEntity).count();
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      // mails whose outcome the killed worker never recorded: SMTP has no exactly-once, so these may arrive twice
      const inFlight = await ds.getRepository(MailDeliveryEntity).countBy({ status: 'sending' });
      expect(scoredAtKill).toBeLessThan(SCORES);
      expect(filesAtKill).toBeLessThan(RENDERS);

      for (let k = 0; k < 3; k++) startWorker();
      await waitFor(async () => ((await scored()) === SCORES ? true : undefined), 'all scores', 240_000, 250);
      await waitFor(
        async () =>
          (await ds.getRepository(MailDeliveryEntity).countBy({ status: 'sent' })) === RENDERS ? true : undefined,
        'all mails',
        240_000,
        250,
      );
      await new Promise((r) => setTimeout(r, 1000)); // a duplicate, if any, would show up now

      const files = await ds.getRepository(ReportFileEntity).find();
      expect(files).toHaveLength(RENDERS);
      expect(new Set(files.map((f) => `${f.evaluationId}-v${f.dataVersion}`)).size).toBe(RENDERS);
      // each report reached the recipient once, except at most the mails in flight at the kill, which are resent
      // with the same Message-ID so the receiving side recognises the duplicate
      expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(RENDERS);
      expect(new Set(smtp.messages.map((m) => m.subject)).size).toBe(RENDERS);
      expect(smtp.messages.length - RENDERS).toBeLessThanOrEqual(inFlight);
      const twice = [...completions.entries()].filter(([, n]) => n > 1);
      expect(twice).toEqual([]);
      const counts = await producer.counts();
      for (const q of [Queue.Scoring, Queue.Reports, Queue.Mail])
        expect({ q, failed: counts[q].failed }).toEqual({ q, failed: 0 });

      for (const w of watchers) {
        await w.events.close();
        w.connection.disconnect();
      }
      const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
      for (const c of running) c.kill('SIGTERM');
      await Promise.all(running.map((c) => new Promise((r) => c.once('exit', r))));
      if (process.env.FAULT_TRACE) process.stderr.write('[fault] test body done\n');
    }, 600_000);
  },
);
