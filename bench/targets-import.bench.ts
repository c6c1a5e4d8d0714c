/**
 * Parse + validate N sheets (15 indicators each) from text documents, then import them into
 * PostgreSQL through TargetsService (one transaction per document). Prints indicators/s for both.
 *   npx tsx bench/targets-import.bench.ts            # 10,000 sheets, ~150k indicators
 *   SHEETS=2000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/targets-import.bench.ts
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, systemClock } from '../libs/db/src';
import { importTextDocument } from '../libs/domain/src';
import { TargetsService } from '../libs/targets/src/targets.service';
import { TEMPLATE_HEADER, TEMPLATE_ROWS } from './lib/xinfang-indicators';

const SHEETS = Number(process.env.SHEETS ?? 10_000);
const PER_UNIT = 10; // 1 department + 9 projects per document
const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function document(u: number): string {
  const lines = [
    `2026年部门整体支出绩效目标表`,
    `部门（单位）名称\t测试单位${u}\t\t`,
    `资金总额\t259.05\t项目支出\t${(9 * 13.33).toFixed(2)}`,
  ];
  const table = () => {
    lines.push(TEMPLATE_HEADER);
    for (const r of TEMPLATE_ROWS)
      lines.push([r[0], r[1], r[2], r[3], String(Number(r[4]) + (u % 7) || r[4]), r[5]].join('\t'));
  };
  table();
  for (let p = 0; p < PER_UNIT - 1; p++) {
    lines.push('2026年项目支出绩效目标表', `项目名称\t项目${u}-${p}\t项目金额\t13.33`);
    table();
  }
  return lines.join('\n');
}

async function main() {
  const units = Math.ceil(SHEETS / PER_UNIT);
  const docs = Array.from({ length: units }, (_, u) => document(u));

  let t = process.hrtime.bigint();
  const results = docs.map((d, i) => importTextDocument(d, `unit-${i}.txt`));
  const parseSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const indicators = results.reduce((n, r) => n + r.sheets.reduce((m, s) => m + s.indicators.length, 0), 0);
  const sheets = results.reduce((n, r) => n + r.sheets.length, 0);
  console.log(
    `parse + validate: ${sheets} sheets, ${indicators} indicators in ${parseSeconds.toFixed(2)} s → ${Math.round(indicators / parseSeconds)} indicators/s`,
  );

  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const ds = await openDatabase({ driver: 'postgres', url: URL, schema });
  try {
    const service = new TargetsService(ds, systemClock);
    t = process.hrtime.bigint();
    for (let i = 0; i < results.length; i++) await service.importResult(results[i], { name: `unit-${i}.txt` });
    const importSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    console.log(
      `import into PostgreSQL: ${indicators} indicators in ${importSeconds.toFixed(2)} s → ${Math.round(indicators / importSeconds)} indicators/s (${Math.round(sheets / importSeconds)} sheets/s)`,
    );
  } finally {
    await ds.destroy();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
