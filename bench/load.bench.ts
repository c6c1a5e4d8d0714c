/**
 * Issue 8 figures, run by hand (`npm run bench bench/load.bench.ts`; `npm run build` first): the compiled API as its
 * own process (as in production) on PostgreSQL + Redis, driven by autocannon from this process:
 * 1. quarterly saves (15 indicators), CONNECTIONS (default 100) clients, each on its own sheet, DURATION s (default 20);
 * 2. the monitoring board, CONNECTIONS clients, DURATION s;
 * 3. a soak of SOAK_SECONDS (default 600) of both, with the API process's RSS sampled every 10 s.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { UsersService } from '../libs/auth/src';
import { openDatabase } from '../libs/db/src';
import { freePort } from '../libs/jobs/src';
import { quarterBody, TEMPLATE_HEADER, TEMPLATE_ROWS } from './lib/xinfang-indicators';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 100);
const DURATION = Number(process.env.DURATION ?? 20);
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const ROOT = path.join(__dirname, '..');

function projectsDoc(n: number): string {
  // the department table names the unit; the project tables after it belong to the same unit
  const lines: string[] = [
    '2026年部门整体支出绩效目标表',
    '部门（单位）名称\t压测单位\t\t',
    `资金总额\t${50 * n}\t项目支出\t${50 * n}`,
  ];
  lines.push(TEMPLATE_HEADER, ...TEMPLATE_ROWS.map((r) => r.join('\t')));
  for (let p = 0; p < n - 1; p++) {
    lines.push('2026年项目支出绩效目标表', `项目名称\t压测项目${p}\t项目金额\t50`);
    lines.push(TEMPLATE_HEADER, ...TEMPLATE_ROWS.map((r) => r.join('\t')));
  }
  return lines.join('\n');
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

const report = (label: string, r: autocannon.Result) =>
  console.log(
    `${label}: ${r.requests.total} requests, ${r.requests.average.toFixed(1)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`,
  );

async function main() {
  const schema = `load_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  let api: ChildProcess | undefined;
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dbUrl = `${URL}${URL.includes('?') ? '&' : '?'}schema=${schema}`;
    api = spawn(
      process.execPath,
      ['-r', path.join(ROOT, 'scripts/register-paths.js'), path.join(ROOT, 'dist/apps/api/src/main.js')],
      {
        env: {
          ...process.env,
          DATABASE_URL: dbUrl,
          REDIS_URL: REDIS,
          PORT: String(port),
          QUEUE_PREFIX: `{load-${schema}}`,
          LOG_LEVEL: 'warn',
          DATA_DIR: `/tmp/selfeval-load-${schema}`,
          BCRYPT_COST: '10',
          NODE_ENV: 'production',
          SESSION_SECRET: randomBytes(32).toString('hex'),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    for (let k = 0; k < 100; k++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        // starting
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const ds = await openDatabase({ driver: 'postgres', url: URL, schema });
    const password = 'Load-pass-2026';
    await new UsersService(ds, 10).create({
      username: 'load.admin',
      displayName: '压测管理员',
      role: 'admin',
      password,
    });
    await ds.destroy();
    const first = await fetch(`${base}/api/auth/session`);
    const anon = first.headers.get('set-cookie')!.split(';')[0];
    const { csrfToken } = (await first.json()) as { csrfToken: string };
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { cookie: anon, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ username: 'load.admin', password }),
    });
    const headers = {
      cookie: login.headers.get('set-cookie')!.split(';')[0],
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
      'content-type': 'application/json',
    };
    const form = new FormData();
    form.append('files', new Blob([projectsDoc(CONNECTIONS)]), 'load.txt');
    const imported = await fetch(`${base}/api/targets/import`, {
      method: 'POST',
      headers: { cookie: headers.cookie, 'x-csrf-token': headers['x-csrf-token'] },
      body: form,
    });
    if (!imported.ok) throw new Error(`import failed: ${imported.status} ${await imported.text()}`);
    const sheets = (await (await fetch(`${base}/api/targets/sheets?year=2026`, { headers })).json()) as {
      id: string;
    }[];
    const bodies = new Map<string, string>();
    for (const s of sheets) {
      await fetch(`${base}/api/targets/sheets/${s.id}/approve`, { method: 'POST', headers });
      const full = (await (await fetch(`${base}/api/targets/sheets/${s.id}`, { headers })).json()) as {
        indicators: { id: string }[];
      };
      bodies.set(s.id, quarterBody(full.indicators.map((i) => i.id)));
    }
    await fetch(`${base}/api/actuals/periods/2026/Q1`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        opensAt: new Date(Date.now() - 86_400_000).toISOString(),
        closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    console.log(`API process ${api.pid}: ${sheets.length} approved sheets; RSS ${rssMb(api.pid!).toFixed(0)} MB`);
    const t0 = Date.now();
    const probe = await fetch(`${base}/api/actuals/board?year=2026&period=Q1`, { headers: { cookie: headers.cookie } });
    if (!probe.ok) throw new Error(`board probe: ${probe.status} ${await probe.text()}`);
    console.log(
      `board probe: ${((await probe.json()) as { rows: unknown[] }).rows.length} rows in ${Date.now() - t0} ms`,
    );

    let next = 0;
    const save = {
      setupRequest: (req: autocannon.Request, context: { sheet?: string }) => {
        context.sheet ??= sheets[next++ % sheets.length].id;
        return {
          ...req,
          method: 'PUT' as const,
          path: `/api/actuals/sheets/${context.sheet}/periods/Q1`,
          headers,
          body: bodies.get(context.sheet),
        };
      },
    };
    const board = {
      method: 'GET' as const,
      path: '/api/actuals/board?year=2026&period=Q1',
      headers: { cookie: headers.cookie },
    };
    report(
      `quarterly save, ${CONNECTIONS} clients, ${DURATION} s`,
      await autocannon({ url: base, connections: CONNECTIONS, duration: DURATION, requests: [save] }),
    );
    report(
      `board, ${CONNECTIONS} clients, ${DURATION} s`,
      await autocannon({ url: base, connections: CONNECTIONS, duration: DURATION, requests: [board] }),
    );

    if (SOAK_SECONDS > 0) {
      const samples: number[] = [rssMb(api.pid!)];
      const sampler = setInterval(() => samples.push(rssMb(api!.pid!)), 10_000);
      const soak = await autocannon({
        url: base,
        connections: Math.min(CONNECTIONS, 50),
        duration: SOAK_SECONDS,
        requests: [save, board],
      });
      clearInterval(sampler);
      samples.push(rssMb(api.pid!));
      report(`soak ${SOAK_SECONDS} s (saves and board)`, soak);
      const third = Math.max(1, Math.floor(samples.length / 3));
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      console.log(
        `API RSS: start ${samples[0].toFixed(0)} MB, max ${Math.max(...samples).toFixed(0)} MB, end ${samples[samples.length - 1].toFixed(0)} MB; ` +
          `mean of first third ${avg(samples.slice(0, third)).toFixed(0)} MB vs last third ${avg(samples.slice(-third)).toFixed(0)} MB (${samples.length} samples)`,
      );
    }
  } finally {
    api?.kill('SIGTERM');
    await admin.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
