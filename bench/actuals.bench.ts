/**
 * Issue 4 figures, run by hand against PostgreSQL (DATABASE_URL, default the local `test` db) and Redis:
 *   npx tsx bench/actuals.bench.ts
 * 1. Quarterly submission (save of a 15-indicator report) through the real API with autocannon,
 *    50 connections, each on its own sheet, for DURATION seconds (default 20): p50 / p99 / errors.
 * 2. The 双监控 board for UNITS units × 10 projects (default 2,000 × 10): rows written in bulk,
 *    then the board query timed.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { ActualsQueries, PeriodsService } from '../libs/actuals/src';
import { loadConfig } from '../libs/config/src';
import { openDatabase, systemClock } from '../libs/db/src';
import { importTextDocument } from '../libs/domain/src';
import { TargetsService } from '../libs/targets/src/targets.service';
import { createApi } from '../apps/api/src/create-api';
import { benchSession } from './lib/session';
import { quarterBody, SHORT_ROWS } from './lib/xinfang-indicators';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 50;
const DURATION = Number(process.env.DURATION ?? 20);
const UNITS = Number(process.env.UNITS ?? 2000);

function projectDoc(u: number): string {
  return [
    '2026年项目支出绩效目标表',
    `${100000 + u}基准单位\t单位：万元`,
    `项目名称\t基准项目${u}\t项目金额\t50`,
    ['一级指标', '二级指标', '三级指标', '指标值'].join('\t'),
    ...SHORT_ROWS.map((r) => r.join('\t')),
  ].join('\n');
}

async function withSchema<T>(fn: (schema: string) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    return await fn(schema);
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

async function submissions() {
  await withSchema(async (schema) => {
    const base = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: `/tmp/selfeval-bench-${schema}` });
    const config = {
      ...base,
      database: { driver: 'postgres' as const, url: URL, schema },
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      queuePrefix: `{bench-${schema}}`,
    };
    const app = await createApi(config);
    await app.listen(0, '127.0.0.1');
    const ds = await openDatabase(config.database);
    const targets = new TargetsService(ds, systemClock);
    const sheets: { id: string; indicators: string[] }[] = [];
    for (let u = 0; u < CONNECTIONS; u++) {
      const [stored] = await targets.importResult(importTextDocument(projectDoc(u)), { name: `u${u}.txt` });
      await targets.approve(stored.id, 'bench');
      const full = await targets.getSheet(stored.id);
      sheets.push({ id: stored.id, indicators: full.indicators.map((i) => i.id) });
    }
    await new PeriodsService(ds, systemClock).setPeriod(
      2026,
      'Q1',
      new Date(Date.now() - 86_400_000),
      new Date(Date.now() + 86_400_000),
      'bench',
    );
    const body = (s: { indicators: string[] }) => quarterBody(s.indicators);
    let next = 0;
    const address = app.getHttpServer().address() as { port: number };
    const auth = await benchSession(app, `http://127.0.0.1:${address.port}`);
    const probe = await fetch(`http://127.0.0.1:${address.port}/api/actuals/sheets/${sheets[0].id}/periods/Q1`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: body(sheets[0]),
    });
    if (!probe.ok) throw new Error(`probe save failed: ${probe.status} ${await probe.text()}`);
    const probe2 = await fetch(`http://127.0.0.1:${address.port}/api/actuals/sheets/${sheets[0].id}/periods/Q1`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: body(sheets[0]),
    });
    if (!probe2.ok) throw new Error(`second save failed: ${probe2.status} ${await probe2.text()}`);
    const result = await autocannon({
      url: `http://127.0.0.1:${address.port}`,
      connections: CONNECTIONS,
      duration: DURATION,
      // one sheet per connection (the context is per connection): a unit saves its own report, never another's concurrently
      requests: [
        {
          setupRequest: (req, context: { sheet?: { id: string; indicators: string[] } }) => {
            context.sheet ??= sheets[next++ % sheets.length];
            return {
              ...req,
              method: 'PUT',
              path: `/api/actuals/sheets/${context.sheet.id}/periods/Q1`,
              headers: { ...auth, 'content-type': 'application/json' },
              body: body(context.sheet),
            };
          },
        },
      ],
    });
    console.log(
      `quarterly save (15 indicators), ${CONNECTIONS} connections, ${DURATION} s: ${result.requests.total} requests, ` +
        `${result.requests.average.toFixed(1)} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
        `non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
    await app.close();
    await ds.destroy();
  });
}

async function board() {
  await withSchema(async (schema) => {
    const ds = await openDatabase({ driver: 'postgres', url: URL, schema });
    const t0 = Date.now();
    const lights = ['green', 'yellow', 'red', 'blue'];
    for (let start = 0; start < UNITS; start += 200) {
      const units: unknown[][] = [];
      const sheets: unknown[][] = [];
      const reports: unknown[][] = [];
      const monitoring: unknown[][] = [];
      for (let u = start; u < Math.min(UNITS, start + 200); u++) {
        const unitId = randomUUID();
        units.push([unitId, `U${u}`, `单位${u}`]);
        for (let p = 0; p < 10; p++) {
          const sheetId = randomUUID();
          sheets.push([
            sheetId,
            unitId,
            2026,
            'project',
            `project:P${u}-${p}`,
            1,
            'approved',
            `项目${u}-${p}`,
            `P${String(u).padStart(5, '0')}${p}`,
            '{}',
            '[]',
            '{}',
            '[]',
          ]);
          if (u % 10 === 0 && p === 0) continue; // one unit in ten has a sheet not reported
          const reportId = randomUUID();
          reports.push([reportId, sheetId, unitId, 2026, 'Q1', (u + p) % 3 ? 'submitted' : 'confirmed', '10', '40', 1]);
          monitoring.push([randomUUID(), reportId, 1, lights[u % 4], lights[p % 4], '{}', new Date()]);
        }
      }
      const insert = async (table: string, cols: string[], rows: unknown[][]) => {
        if (!rows.length) return;
        const params: unknown[] = [];
        const tuples = rows.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
        await ds.query(`INSERT INTO ${table} (${cols.join(',')}) VALUES ${tuples.join(',')}`, params);
      };
      await insert('unit', ['id', 'code', 'name'], units);
      await insert(
        'target_sheet',
        [
          'id',
          'unit_id',
          'year',
          'kind',
          'sheet_key',
          'version',
          'status',
          'name',
          'project_code',
          'budget',
          'spending_plan',
          'attributes',
          'warnings',
        ],
        sheets,
      );
      await insert(
        'quarter_report',
        ['id', 'sheet_id', 'unit_id', 'year', 'period', 'status', 'spent_total', 'adjusted_budget', 'data_version'],
        reports,
      );
      await insert(
        'monitoring_result',
        ['id', 'report_id', 'data_version', 'spending_light', 'indicator_light', 'details', 'computed_at'],
        monitoring,
      );
    }
    console.log(`board data: ${UNITS} units × 10 projects written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const service = new ActualsQueries(ds);
    const times: number[] = [];
    let rows = 0;
    let notReported = 0;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      const b = await service.board(2026, 'Q1');
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      rows = b.rows.length;
      notReported = b.notReported.length;
    }
    times.sort((a, b) => a - b);
    console.log(
      `board ${UNITS} units × 10 projects: ${rows} rows, ${notReported} units not reported; median ${times[2].toFixed(0)} ms, best ${times[0].toFixed(0)} ms (5 runs)`,
    );
    await ds.destroy();
  });
}

(async () => {
  await submissions();
  await board();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
