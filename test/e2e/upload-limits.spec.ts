import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { importTextDocument } from '@selfeval/domain';
import { exportTemplateXlsx, MAX_INDICATORS_PER_SHEET, ZIP_LIMITS } from '@selfeval/targets';
import type { Agent } from '../helpers/auth';
import { seedFile } from '../helpers/fixtures';
import { appendRows } from '../helpers/big-workbook';
import { binary } from '../helpers/http';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';
import { buildZip, entriesOf, entryOf, zerosEntry } from '../helpers/zip-writer';

const ROWS = 100_000;

/**
 * While `work` runs, GET /api/health over real HTTP, one request after another; the latencies
 * show whether the upload stalls the event loop (it is parsed on a worker thread).
 */
async function healthDuring<T>(port: number, work: () => Promise<T>) {
  let done = false;
  const latencies: number[] = [];
  // answers other than 200; a check that timed out (2 s) is slowness, anything else is a fault
  const unhealthy: { status: number; timedOut: boolean; body: string }[] = [];
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      const body = await res.text();
      latencies.push(performance.now() - t);
      if (res.status !== 200) unhealthy.push({ status: res.status, timedOut: body.includes('timed out after'), body });
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const started = performance.now();
  const result = await work();
  loop.disable();
  const ms = performance.now() - started;
  done = true;
  await probe;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    result,
    ms,
    unhealthy,
    samples: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1],
    // how long the event loop itself was held up (a block), apart from waiting for a CPU
    loopMaxMs: loop.max / 1e6,
  };
}

/**
 * The upload must not hold up the server: /api/health's p99, and the longest event-loop delay, stay
 * within 200 ms of what they are on this machine right now without an upload (health asks PostgreSQL
 * and Redis, which other test runs share; on a quiet machine both baselines are a few ms, so this is
 * "p99 under 200 ms"; before the parse worker a 100,000-row upload stalled health for 19–28 s).
 */
async function expectResponsive(port: number, m: Awaited<ReturnType<typeof healthDuring>>, figures: string[]) {
  const idle = await healthDuring(port, () => new Promise((r) => setTimeout(r, 1_500)));
  figures.push(
    `  baseline without upload: p50 ${idle.p50.toFixed(1)} ms p99 ${idle.p99.toFixed(1)} ms; ` +
      `event-loop delay max ${idle.loopMaxMs.toFixed(0)} ms`,
  );
  // health answered while the upload ran (how many times depends on how long the refusal took), never with a fault
  expect(m.samples).toBeGreaterThan(0);
  expect([...m.unhealthy, ...idle.unhealthy].filter((u) => !u.timedOut)).toEqual([]);
  const slow = m.unhealthy.length + idle.unhealthy.length;
  if (slow) figures.push(`  ${slow} health answer(s) 503: a check exceeded its 2 s limit (slowness, judged below)`);
  // Latency on a machine whose run queue is longer than its cores (a CPU hog, parallel test files) measures the
  // machine, not the app: there the figures are printed and the latency is not judged (the limits still are).
  const load = os.loadavg()[0];
  if (load > os.cpus().length) {
    figures.push(`  (load average ${load.toFixed(1)} on ${os.cpus().length} cores: latency printed, not asserted)`);
    return;
  }
  expect(m.samples).toBeGreaterThan(3);
  expect(slow).toBe(0);
  expect(m.loopMaxMs).toBeLessThan(200 + idle.loopMaxMs);
  expect(m.p99).toBeLessThan(200 + idle.p99);
}

describePg('upload limits through the real app: rows, indicators, zip bombs, an event loop that keeps serving', () => {
  let stack: Stack;
  let admin: Agent;
  let port: number;
  let sheetId: string;
  const figures: string[] = [];

  beforeAll(async () => {
    // the parse worker transpiles the parsers with ts-node when it starts: on a loaded CI machine that can take
    // longer than production's 120 s stuck-parse limit (the figures measured below are printed, not judged)
    process.env.SELFEVAL_PARSE_TIMEOUT_MS = '900000';
    stack = await startStack({ listen: true, seed: ['003'], periods: ['2024/Q1'] });
    port = Number(new URL(stack.url).port);
    // Node loads and compiles its fetch client (undici) on first use, on this thread: not in a measurement
    await (await fetch(`http://127.0.0.1:${port}/api/health`)).arrayBuffer();
    admin = stack.users.admin;
    sheetId = stack.sheet('信访维稳工作经费').id;
    await admin.post(`/api/targets/sheets/${sheetId}/approve`).expect(201);
    // Under Jest the parse worker transpiles the parser modules with ts-node on first use (compiled
    // code only loads them). Both parsers are used once here on the worker (files over 512 KB go
    // there), so the measurements below see a parse, not a TypeScript compile: a blank Q1 workbook
    // with 600 KB of noise is read and refused as the wrong period; the same bytes as a target
    // import are read and refused for want of a 目标表.
    const blank = (await binary(admin.get(`/api/actuals/sheets/${sheetId}/periods/Q1/workbook.xlsx`)).expect(200))
      .body as Buffer;
    const padded = buildZip([...(await entriesOf(blank)), entryOf('xl/media/noise.bin', randomBytes(600 * 1024))]);
    await admin
      .post(`/api/actuals/sheets/${sheetId}/periods/Q2/workbook`)
      .attach('file', padded, 'q1.xlsx')
      .expect(422);
    await admin.post('/api/targets/import?dryRun=1').attach('files', padded, 'q1.xlsx').expect(422);
  });
  afterAll(async () => {
    // the figures the README quotes
    if (figures.length) console.log(figures.join('\n'));
    await stack?.close();
  });

  const sheetCount = async () => (await admin.get('/api/targets/sheets').expect(200)).body.length as number;

  it(`refuses a ${ROWS.toLocaleString('en')}-row fill-in workbook while /api/health keeps answering`, async () => {
    const blank = (await binary(admin.get(`/api/actuals/sheets/${sheetId}/periods/Q1/workbook.xlsx`)).expect(200))
      .body as Buffer;
    const big = await appendRows(blank, ROWS, ['产出指标', '数量指标', '指标{i}', '≥1人', '{i}人'], '填报');
    const m = await healthDuring(port, () =>
      admin.post(`/api/actuals/sheets/${sheetId}/periods/Q1/workbook`).attach('file', big, '十万行.xlsx'),
    );
    figures.push(
      `fill-in workbook ${ROWS} rows (${(big.length / 1e6).toFixed(1)} MB): ${m.result.status} in ${m.ms.toFixed(0)} ms; ` +
        `health ${m.samples} requests p50 ${m.p50.toFixed(1)} ms p99 ${m.p99.toFixed(1)} ms max ${m.max.toFixed(1)} ms; ` +
        `event-loop delay max ${m.loopMaxMs.toFixed(0)} ms`,
    );
    expect(m.result.status).toBe(413);
    expect(m.result.body.message).toContain(`超过上限 ${ZIP_LIMITS.worksheetRows} 行`);
    await expectResponsive(port, m, figures);
    await admin.get(`/api/actuals/sheets/${sheetId}/periods/Q1`).expect(404);
  });

  it(`refuses an administrator's import of ${ROWS.toLocaleString('en')} indicator rows while /api/health keeps answering`, async () => {
    const seed = importTextDocument(fs.readFileSync(seedFile('003'), 'utf8')).sheets[0];
    const big = await appendRows(await exportTemplateXlsx([seed]), ROWS, ['产出指标', '数量指标', '指标{i}', '≥1人']);
    const before = await sheetCount();
    for (const dryRun of ['?dryRun=1', '']) {
      const m = await healthDuring(port, () =>
        admin.post(`/api/targets/import${dryRun}`).attach('files', big, '十万行目标表.xlsx'),
      );
      figures.push(
        `target import${dryRun} ${ROWS} rows (${(big.length / 1e6).toFixed(1)} MB): ${m.result.status} in ${m.ms.toFixed(0)} ms; ` +
          `health ${m.samples} requests p50 ${m.p50.toFixed(1)} ms p99 ${m.p99.toFixed(1)} ms max ${m.max.toFixed(1)} ms; ` +
          `event-loop delay max ${m.loopMaxMs.toFixed(0)} ms`,
      );
      expect(m.result.status).toBe(413);
      expect(m.result.body.message).toContain(`超过上限 ${ZIP_LIMITS.worksheetRows} 行`);
      await expectResponsive(port, m, figures);
    }
    expect(await sheetCount()).toBe(before);
  });

  it('gives the dry-run preview and the import the same answer for a sheet over the indicator limit', async () => {
    const seed = importTextDocument(fs.readFileSync(seedFile('003'), 'utf8')).sheets[0];
    const many = Array.from({ length: 2048 }, (_, i) => ({ ...seed.indicators[0], name: `指标${i}` }));
    const xlsx = await exportTemplateXlsx([{ ...seed, indicators: many }]);
    const before = await sheetCount();
    const preview = await admin.post('/api/targets/import?dryRun=1').attach('files', xlsx, '两千指标.xlsx');
    const stored = await admin.post('/api/targets/import').attach('files', xlsx, '两千指标.xlsx');
    expect(preview.status).toBe(413);
    expect(stored.status).toBe(413);
    expect(preview.body.message).toBe(stored.body.message);
    expect(preview.body.message).toContain(`有 2048 个指标，超过每张目标表 ${MAX_INDICATORS_PER_SHEET} 个的上限`);
    expect(await sheetCount()).toBe(before);
  });

  it('refuses text longer than its column in the preview and the import alike (PostgreSQL would refuse it)', async () => {
    const seed = importTextDocument(fs.readFileSync(seedFile('003'), 'utf8')).sheets.find((s) => s.kind === 'project')!;
    const long = { ...seed, project: { code: null, name: '长'.repeat(293) } };
    const xlsx = await exportTemplateXlsx([long]);
    const before = await sheetCount();
    const preview = await admin.post('/api/targets/import?dryRun=1').attach('files', xlsx, '长名称.xlsx');
    const stored = await admin.post('/api/targets/import').attach('files', xlsx, '长名称.xlsx');
    expect([preview.status, stored.status]).toEqual([422, 422]);
    expect(preview.body).toEqual(stored.body);
    expect(preview.body.message).toContain('项目名称有 293 个字符，超过 292 个的上限');
    expect(await sheetCount()).toBe(before);
  });

  it('refuses an .xlsx zip bomb on both upload routes before inflating it', async () => {
    const workbook = await exportTemplateXlsx(importTextDocument(fs.readFileSync(seedFile('003'), 'utf8')).sheets);
    const bomb = buildZip([...(await entriesOf(workbook)), await zerosEntry('xl/media/image1.png', 400)]);
    const rss = process.memoryUsage().rss;
    const targets = await admin.post('/api/targets/import?dryRun=1').attach('files', bomb, 'bomb.xlsx').expect(413);
    const fillIn = await admin
      .post(`/api/actuals/sheets/${sheetId}/periods/Q1/workbook`)
      .attach('file', bomb, 'bomb.xlsx')
      .expect(413);
    for (const r of [targets, fillIn]) expect(r.body.message).toContain('超过单项上限 50 MB');
    figures.push(
      `xlsx bomb ${(bomb.length / 1024).toFixed(0)} KB holding 400 MB: 413; RSS +${((process.memoryUsage().rss - rss) / 1e6).toFixed(0)} MB`,
    );
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  });
});
