/**
 * Issue 5 figures, run by hand (`npm run bench bench/scoring.bench.ts`):
 * 1. the pure engine: ENGINE_SHEETS (default 10,000) sheets × 15 indicators through scoreSheet;
 * 2. recompute-all for SHEETS (default 100,000; ~1.5M indicators) on PostgreSQL + Redis through a real
 *    worker (WORKER_CONCURRENCY), against a plain bulk UPDATE of the same indicator_score rows.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../libs/config/src';
import { openDatabase } from '../libs/db/src';
import { parseTarget, scoreSheet, ScoringIndicatorInput } from '../libs/domain/src';
import { Job, JobProducer } from '../libs/jobs/src';
import { createWorker } from '../apps/worker/src/create-worker';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ENGINE_SHEETS = Number(process.env.ENGINE_SHEETS ?? 10_000);
const SHEETS = Number(process.env.SHEETS ?? 100_000);

// level1, level2, name, target, actual
const ROWS: [string, string, string, string, string][] = [
  ['产出指标', '数量指标', '坐班接访', '≥264天', '250天'],
  ['产出指标', '数量指标', '网上来信办理', '≥300件', '310件'],
  ['产出指标', '数量指标', '联席会议', '≥4次', '4次'],
  ['产出指标', '数量指标', '听取汇报', '≥4次', '3次'],
  ['产出指标', '质量指标', '按期办结率', '=100%', '98%'],
  ['产出指标', '质量指标', '及时受理率', '=100%', '100%'],
  ['产出指标', '质量指标', '调解协议率', '高于市平均值', '达成年度指标'],
  ['产出指标', '时效指标', '按计划完成', '=80%', '80%'],
  ['效益指标', '社会效益指标', '促进社会和谐稳定', '≥95%', '96%'],
  ['效益指标', '生态效益指标', '法治化建设程度', '≥90%', '88%'],
  ['效益指标', '可持续影响指标', '长效机制', '落实到位', '部分达成'],
  ['满意度指标', '服务对象满意度指标', '信访人满意度', '≥80%', '91%'],
  ['成本指标', '经济成本指标', '公用经费成本', '≤26.48万元', '25万元'],
  ['成本指标', '经济成本指标', '项目经费成本', '≤12万元', '130000元'],
  ['成本指标', '经济成本指标', '人员经费成本', '≤11.57万元', '11.57万元'],
];

function engine() {
  const indicators: ScoringIndicatorInput[] = ROWS.map(([level1, level2, name, target, actual]) => {
    const t = parseTarget(target, { cost: level1 === '成本指标' }).targets[0];
    return t.kind === 'qualitative'
      ? { level1, level2, name, target: t, grade: actual }
      : { level1, level2, name, target: t, actual };
  });
  const t0 = process.hrtime.bigint();
  let last = '';
  for (let i = 0; i < ENGINE_SHEETS; i++)
    last = scoreSheet({ budget: { adjusted: '50', spent: String(40 + (i % 10)) }, indicators }).total!;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `engine: ${ENGINE_SHEETS} sheets × 15 indicators in ${s.toFixed(2)} s → ${Math.round((ENGINE_SHEETS * 15) / s)} indicators/s (last total ${last})`,
  );
}

async function recompute() {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const config = {
    ...loadConfig({ LOG_LEVEL: 'silent', WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY }),
    database: { driver: 'postgres' as const, url: URL, schema },
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: `{bench-${schema}}`,
  };
  const ds = await openDatabase(config.database);
  try {
    let t = Date.now();
    const values = ROWS.map(([l1, l2, n, target, actual], k) => {
      const p = parseTarget(target, { cost: l1 === '成本指标' }).targets[0];
      const q = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);
      return p.kind === 'quantitative'
        ? `(${k}, '${l1}', '${l2}', '${n}', '${target}', 'quantitative', '${p.op}', ${p.value}, ${q(p.unit)}, NULL, '${actual}', NULL)`
        : `(${k}, '${l1}', '${l2}', '${n}', '${target}', 'qualitative', NULL, NULL, NULL, '${p.text}', NULL, '达成年度指标')`;
    });
    await ds.query(
      `CREATE TEMP TABLE rows_t (k int, l1 text, l2 text, n text, raw text, kind text, op text, val numeric, unit text, txt text, actual text, grade text)`,
    );
    await ds.query(`INSERT INTO rows_t VALUES ${values.join(',')}`);
    await ds.query(
      `INSERT INTO unit (id, code, name) SELECT 'u' || lpad(g::text, 35, '0'), 'U' || g, '单位' || g FROM generate_series(0, ${Math.ceil(SHEETS / 10) - 1}) g`,
    );
    await ds.query(`INSERT INTO target_sheet (id, unit_id, year, kind, sheet_key, version, status, name, budget_total, budget, spending_plan, attributes, warnings)
      SELECT 's' || lpad(g::text, 35, '0'), 'u' || lpad((g / 10)::text, 35, '0'), 2026, 'project', 'project:P' || g, 1, 'approved', '项目' || g, 50, '{}', '[]', '{}', '[]' FROM generate_series(0, ${SHEETS - 1}) g`);
    await ds.query(`INSERT INTO indicator (id, sheet_id, position, level1, level2, name, target_raw, target_kind, target_op, target_value, target_unit, target_text)
      SELECT 'i' || lpad((g * 15 + r.k)::text, 35, '0'), 's' || lpad(g::text, 35, '0'), r.k, r.l1, r.l2, r.n, r.raw, r.kind, r.op, r.val, r.unit, r.txt FROM generate_series(0, ${SHEETS - 1}) g CROSS JOIN rows_t r`);
    await ds.query(`INSERT INTO quarter_report (id, sheet_id, unit_id, year, period, status, spent_total, adjusted_budget, data_version)
      SELECT 'r' || lpad(g::text, 35, '0'), 's' || lpad(g::text, 35, '0'), 'u' || lpad((g / 10)::text, 35, '0'), 2026, 'Q4', 'confirmed', 40 + g % 10, 50, 1 FROM generate_series(0, ${SHEETS - 1}) g`);
    await ds.query(`INSERT INTO indicator_value (id, report_id, indicator_id, value_raw, grade)
      SELECT 'v' || lpad((g * 15 + r.k)::text, 35, '0'), 'r' || lpad(g::text, 35, '0'), 'i' || lpad((g * 15 + r.k)::text, 35, '0'), r.actual, r.grade FROM generate_series(0, ${SHEETS - 1}) g CROSS JOIN rows_t r`);
    await ds.query(`INSERT INTO self_evaluation (id, sheet_id, unit_id, profile_id, profile_version, data_version, score_state)
      SELECT 'e' || lpad(g::text, 35, '0'), 's' || lpad(g::text, 35, '0'), 'u' || lpad((g / 10)::text, 35, '0'), 'national-2020', 1, 0, 'stale' FROM generate_series(0, ${SHEETS - 1}) g`);
    console.log(
      `data: ${SHEETS} sheets, ${SHEETS * 15} indicators and year-end values written in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );

    const worker = await createWorker(config);
    t = Date.now();
    const result = await worker
      .get(JobProducer)
      .enqueueAndWait(Job.RecomputeAll, { profileId: 'national-2020' }, 600_000);
    for (;;) {
      const [{ n }] = await ds.query(
        `SELECT count(*)::int AS n FROM self_evaluation WHERE score_state <> 'stale' AND scored_version = data_version`,
      );
      if (n >= SHEETS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const recomputeS = (Date.now() - t) / 1000;
    await worker.close();
    const [{ failed }] = await ds.query(
      `SELECT count(*)::int AS failed FROM self_evaluation WHERE score_state = 'failed'`,
    );
    console.log(
      `recompute-all: ${JSON.stringify(result)}; ${SHEETS} sheets (${SHEETS * 15} indicators) in ${recomputeS.toFixed(1)} s → ${Math.round(SHEETS / recomputeS)} sheets/s, ${Math.round((SHEETS * 15) / recomputeS)} indicators/s; failed ${failed}`,
    );

    t = Date.now();
    await ds.query(`UPDATE indicator_score SET rule_score = rule_score, weight = weight`);
    await ds.query(`UPDATE self_evaluation SET total = total, grade = grade`);
    const updateS = (Date.now() - t) / 1000;
    console.log(
      `plain bulk UPDATE of the same rows: ${updateS.toFixed(2)} s; recompute-all / UPDATE = ${(recomputeS / updateS).toFixed(0)}×`,
    );
  } finally {
    await ds.destroy();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

(async () => {
  engine();
  await recompute();
})().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
