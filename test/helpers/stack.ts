import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig, DatabaseConfig } from '@selfeval/config';
import type { ReportKind, Role } from '@selfeval/domain';
import { EmbeddedRedis, freePort, Job, jobId, Queue, RedisSettings } from '@selfeval/jobs';
import { createApi } from '../../apps/api/src/create-api';
import { createWorker } from '../../apps/worker/src/create-worker';
import { Agent, signedIn } from './auth';
import { dropRedisPrefix, tempDir, testConfig } from './config';
import { seedFile } from './fixtures';
import { binary } from './http';
import { JobEvents } from './job-events';
import { createPgSchema } from './postgres';
import { SmtpCatcher, startSmtpCatcher } from './smtp-catcher';

const DAY = 86_400_000;
const ROLES: Role[] = ['admin', 'evaluator', 'reporter', 'head'];

export interface StackOptions {
  /** seed documents by prefix (000–004), uploaded together by the administrator through the API */
  seed?: string[];
  /** approve every imported sheet */
  approve?: boolean;
  /** reporting periods open from yesterday to tomorrow, as 'YYYY/Qn' */
  periods?: string[];
  /** a worker in this process, on every queue */
  worker?: boolean;
  /** the database made from the test's fresh PostgreSQL schema (e.g. behind a proxy); default: the schema itself */
  db?: (schema: DatabaseConfig & { driver: 'postgres' }) => DatabaseConfig | Promise<DatabaseConfig>;
  /** a database of the test's own instead of a PostgreSQL schema (e.g. an SQLite file); `db` is then unused */
  database?: DatabaseConfig;
  /** a private, restartable redis-server instead of the shared one */
  embeddedRedis?: boolean;
  /** a Redis deployment the test started (a cluster, sentinels) instead of the shared server; the test stops it */
  redis?: RedisSettings;
  /** a real SMTP server that the app mails to */
  smtp?: boolean;
  /** listen on a loopback port (for a browser); otherwise supertest talks to the server directly */
  listen?: boolean;
  /** unit code of the reporter, head and evaluator (or picked from the imported sheets); default: the first sheet's */
  unit?: string | ((sheets: SheetRow[]) => string);
  /** who the users are (display names appear in audit trails and PDFs) */
  names?: Partial<Record<Role, { username?: string; displayName?: string }>>;
  /** anything else the test changes in the configuration */
  config?: (config: AppConfig) => AppConfig;
}

export interface SheetRow {
  id: string;
  name: string;
  kind: 'department' | 'project';
  year: number;
  budgetTotal: string;
  unit: { code: string; name: string };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Spending at the year end in the 渌口 seed: the department 95 % of its 259.05, a project its whole budget. */
export const lukouSpending = (sheet: SheetRow) => (sheet.kind === 'department' ? '246.0975' : sheet.budgetTotal);

/** The unit's people by name, as a browser signs in (password TEST_PASSWORD) and as pages and PDFs name them. */
export const NAMED_PEOPLE: StackOptions['names'] = {
  reporter: { username: 'tianbao', displayName: '张填报' },
  head: { username: 'fuzeren', displayName: '李负责人' },
  evaluator: { username: 'pingshen', displayName: '王评审' },
};

/** The 渌口 seed (a department and two projects) approved, 2026 Q4 open and a worker: the year-end tests' start. */
export const LUKOU_YEAR_END: StackOptions = { seed: ['004'], approve: true, periods: ['2026/Q4'], worker: true };

/**
 * The real API (and optionally a real worker, an SMTP server, a private Redis) on a fresh
 * PostgreSQL schema and Redis prefix, with one signed-in user per role and waits that follow the
 * jobs' own events. `close()` leaves nothing behind: processes, schema, Redis keys.
 */
export async function startStack(options: StackOptions = {}) {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await step();
  };
  try {
    let database = options.database;
    if (!database) {
      const pg = await createPgSchema();
      closers.push(pg.drop);
      database = options.db ? await options.db(pg.db) : pg.db;
    }

    let redis: EmbeddedRedis | undefined;
    let redisUrl: string | undefined;
    if (options.embeddedRedis) {
      redis = new EmbeddedRedis({ dataDir: tempDir(), port: await freePort() });
      redisUrl = await redis.start();
      const r = redis;
      closers.push(() => r.stop());
    }
    const smtp: SmtpCatcher | undefined = options.smtp ? await startSmtpCatcher() : undefined;
    if (smtp) closers.push(smtp.stop);

    let config = testConfig({ database, redisUrl });
    if (options.redis) config = { ...config, redisUrl: undefined, ...options.redis };
    if (smtp) config = { ...config, mail: { ...config.mail, smtpUrl: smtp.url } };
    if (options.config) config = options.config(config);
    // the shared Redis keeps the test's keys until they are deleted; a private one goes with its process
    if (!redis && !options.redis) closers.push(() => dropRedisPrefix(config.redisUrl!, config.queuePrefix));

    const jobs = await JobEvents.start(config, config.queuePrefix);
    closers.push(() => jobs.close());

    const app = await createApi(config);
    closers.push(() => app.close());
    let url = '';
    if (options.listen) {
      await app.listen(0, '127.0.0.1');
      url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    } else {
      await app.init();
    }
    let worker: INestApplicationContext | undefined;
    if (options.worker) {
      worker = await createWorker(config);
      const w = worker;
      closers.push(() => w.close());
    }

    // a fault test may have stopped the private Redis: closing the queues and workers needs it back
    if (redis) closers.push(async () => redis!.pid === undefined && (await redis!.start()));

    const agents = new Map<Role, Agent>();
    const accounts = new Map<Role, { id: string; username: string; displayName: string }>();
    const signIn = async (role: Role, unitCode?: string) => {
      const { agent, user } = await signedIn(app, role, { unitCode, ...options.names?.[role] });
      agents.set(role, agent);
      accounts.set(role, user);
      return agent;
    };
    const admin = await signIn('admin');

    let sheets: SheetRow[] = [];
    if (options.seed?.length) {
      const upload = admin.post('/api/targets/import');
      for (const prefix of options.seed) upload.attach('files', seedFile(prefix));
      await upload.expect(201);
      sheets = (await admin.get('/api/targets/sheets').expect(200)).body;
    }
    if (options.approve) for (const s of sheets) await admin.post(`/api/targets/sheets/${s.id}/approve`).expect(201);
    for (const p of options.periods ?? []) {
      await admin
        .put(`/api/actuals/periods/${p}`)
        .send({ opensAt: new Date(Date.now() - DAY).toISOString(), closesAt: new Date(Date.now() + DAY).toISOString() })
        .expect(200);
    }
    const unit = typeof options.unit === 'function' ? options.unit(sheets) : (options.unit ?? sheets[0]?.unit.code);
    if (unit) {
      await signIn('reporter', unit);
      await signIn('head', unit);
      await signIn('evaluator');
      await admin
        .put(`/api/users/${accounts.get('evaluator')!.id}/units`)
        .send({ unitCodes: [unit] })
        .expect(200);
    }
    const users = {} as Record<Role, Agent>;
    for (const role of ROLES)
      Object.defineProperty(users, role, {
        enumerable: true,
        get: () => {
          const agent = agents.get(role);
          if (!agent) throw new Error(`no ${role}: startStack needs seed or unit for the unit-bound users`);
          return agent;
        },
      });

    const evaluation = async (sheetId: string) => (await admin.get(`/api/evaluations/${sheetId}`).expect(200)).body;
    const quarter = async (sheetId: string, period: string) =>
      (await admin.get(`/api/actuals/sheets/${sheetId}/periods/${period}`).expect(200)).body;

    /**
     * The evaluation once the scoring job of its current data version has completed; at once when
     * its scores are already current at that version (a reviewer's score queues no scoring job).
     */
    const scored = async (sheetId: string) => {
      for (;;) {
        const ev = await evaluation(sheetId);
        if (ev.scoreState === 'scored' && ev.scoredVersion === ev.dataVersion) return ev;
        const id = jobId(Job.ScoreSheet, ev.id, `v${ev.dataVersion}`);
        await jobs.done(Queue.Scoring, id, `scoring of sheet ${sheetId} at data version ${ev.dataVersion}`);
        const now = await evaluation(sheetId);
        if (now.dataVersion === ev.dataVersion) return now;
      }
    };

    return {
      app,
      config,
      worker,
      smtp,
      redis,
      jobs,
      /** http://127.0.0.1:port when `listen` */
      url,
      /** signed-in agents (session cookie + CSRF token); reporter and head of `unit`, the evaluator assigned to it */
      users,
      accounts,
      /** the imported sheets, as GET /api/targets/sheets listed them after the import */
      sheets,
      /** the imported sheet of this name */
      sheet(name: string): SheetRow {
        const found = sheets.find((s) => s.name === name);
        if (!found) throw new Error(`no imported sheet named “${name}”`);
        return found;
      },
      signIn: (role: Role, opts: { unitCode?: string; displayName?: string; username?: string } = {}) =>
        signedIn(app, role, opts),

      scored,

      /**
       * Q4 of each sheet filled by the administrator with every target met (a qualitative indicator 达成年度指标,
       * its target text as the value) and `amount(sheet)` spent from 财政拨款, submitted, and then scored.
       * The default spending is the 渌口 seed's: 95 % of the department's budget, a project's whole budget.
       */
      async yearEndAtTargets(of: SheetRow[], amount: (sheet: SheetRow) => string = lukouSpending) {
        for (const sheet of of) {
          const indicators = (await admin.get(`/api/targets/sheets/${sheet.id}`).expect(200)).body.indicators as {
            id: string;
            targetRaw: string;
            targetKind: string;
          }[];
          const values = indicators.map((i) =>
            i.targetKind === 'qualitative'
              ? { indicatorId: i.id, value: i.targetRaw, grade: '达成年度指标' }
              : { indicatorId: i.id, value: i.targetRaw.replace(/^[≥≤=]/, '') },
          );
          const saved = await admin
            .put(`/api/actuals/sheets/${sheet.id}/periods/Q4`)
            .send({ spending: [{ source: '财政拨款', amount: amount(sheet) }], values });
          if (saved.status !== 200)
            throw new Error(`Q4 of “${sheet.name}” not saved: ${saved.status} ${JSON.stringify(saved.body)}`);
          await admin.post(`/api/actuals/sheets/${sheet.id}/periods/Q4/submit`).expect(201);
        }
        for (const sheet of of) await scored(sheet.id);
      },

      /** The quarterly report once the 双监控 job of its current data version has completed. */
      async monitored(sheetId: string, period: string) {
        for (;;) {
          const r = await quarter(sheetId, period);
          const id = jobId(Job.ComputeMonitoring, r.id, `v${r.dataVersion}`);
          await jobs.done(
            Queue.Monitoring,
            id,
            `lights of ${period} of sheet ${sheetId} at data version ${r.dataVersion}`,
          );
          const now = await quarter(sheetId, period);
          if (now.dataVersion === r.dataVersion) return now;
        }
      },

      /**
       * The PDF of the evaluation's current data version, once its render job completed
       * (the job the report route enqueues, or the test itself).
       */
      async rendered(sheetId: string, kind?: ReportKind): Promise<Buffer> {
        const ev = await evaluation(sheetId);
        const k = kind ?? (ev.sheetKind === 'department' ? 'department-self-eval' : 'project-self-eval');
        const id = jobId(Job.RenderReport, k, ev.id, `v${ev.dataVersion}`);
        await jobs.done(Queue.Reports, id, `the ${k} PDF of sheet ${sheetId} at data version ${ev.dataVersion}`);
        const res = await binary(admin.get(`/api/evaluations/${sheetId}/report.pdf${kind ? `?kind=${kind}` : ''}`));
        if (res.status !== 200 || res.headers['x-report-version'] !== String(ev.dataVersion))
          throw new Error(
            `render job ${id} completed but the download answered ${res.status}, version ${res.headers['x-report-version']}`,
          );
        return res.body as Buffer;
      },

      /** The quarterly 绩效运行监控表 of the report's current data version, once rendered. */
      async renderedMonitoringTable(sheetId: string, period: string): Promise<Buffer> {
        const r = await quarter(sheetId, period);
        const id = jobId(Job.RenderReport, 'monitoring-table', r.id, `v${r.dataVersion}`);
        await jobs.done(
          Queue.Reports,
          id,
          `the 监控表 of ${period} of sheet ${sheetId} at data version ${r.dataVersion}`,
        );
        return (
          await binary(admin.get(`/api/actuals/sheets/${sheetId}/periods/${period}/monitoring-table.pdf`)).expect(200)
        ).body as Buffer;
      },

      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
