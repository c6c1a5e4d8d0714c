import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@selfeval/config';
import {
  createDataSource,
  dataSourceOptions,
  IndicatorEntity,
  MIGRATIONS,
  migrateOnce,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import { tempDir } from '../helpers/config';
import { createPgSchema, describePg } from '../helpers/postgres';

const TABLES = [
  'unit',
  'target_sheet',
  'indicator',
  'report_period',
  'period_reopen',
  'quarter_report',
  'report_spending',
  'budget_adjustment',
  'indicator_value',
  'audit_log',
  'monitoring_result',
  'evidence_file',
  'mail_delivery',
  'self_evaluation',
  'indicator_score',
  'report_file',
  'report_file_copy',
  'report_delivery',
];

async function tablesPresent(ds: DataSource): Promise<string[]> {
  const qr = ds.createQueryRunner();
  try {
    const present: string[] = [];
    for (const t of TABLES) if (await qr.hasTable(t)) present.push(t);
    return present;
  } finally {
    await qr.release();
  }
}

function migrationSuite(name: string, makeDb: () => Promise<{ db: DatabaseConfig; drop: () => Promise<void> }>) {
  describe(name, () => {
    let ds: DataSource;
    let drop: () => Promise<void>;

    let db: DatabaseConfig;
    beforeAll(async () => {
      const made = await makeDb();
      drop = made.drop;
      db = made.db;
      ds = createDataSource(made.db);
      await ds.initialize();
    });
    afterAll(async () => {
      await ds?.destroy();
      await drop?.();
    });

    it('migrates up, stores exact decimals, and migrates all the way down', async () => {
      expect(await tablesPresent(ds)).toEqual([]);
      // First only the initial schema, with rows in it, so every later migration runs on a populated database.
      const first = new DataSource({ ...dataSourceOptions(db), migrations: [MIGRATIONS[0]] } as DataSourceOptions);
      await first.initialize();
      await first.runMigrations({ transaction: 'each' });
      await first.query(
        "INSERT INTO unit (id, code, name) VALUES ('00000000-0000-4000-8000-000000000001', '900', '先有单位')",
      );
      await first.destroy();
      const ran = await ds.runMigrations({ transaction: 'each' });
      expect(ran.map((m) => m.name)).toEqual(MIGRATIONS.slice(1).map((m) => m.name));
      expect(await tablesPresent(ds)).toEqual(TABLES);

      const units = ds.getRepository(UnitEntity);
      const unit = await units.save(
        units.create({ code: '501', name: '馆陶县信访局', parentName: null, region: '河北', contactEmail: null }),
      );
      const sheets = ds.getRepository(TargetSheetEntity);
      const sheet = await sheets.save(
        sheets.create({
          unitId: unit.id,
          year: 2024,
          kind: 'project',
          sheetKey: 'project:X',
          version: 1,
          status: 'draft',
          name: '信访维稳工作经费',
          projectCode: null,
          // 18 digits: SQLite's numeric affinity would make this 123456789012.12346
          budgetTotal: '123456789012.123456',
          budget: { total: '72.40' },
          spendingPlan: [{ month: 3, percent: '25' }],
          goal: null,
          attributes: {},
          warnings: [],
          sourceName: null,
          sourceHash: null,
          changeReason: null,
          approvedAt: null,
          approvedBy: null,
        }),
      );
      const indicators = ds.getRepository(IndicatorEntity);
      await indicators.save(
        indicators.create({
          sheetId: sheet.id,
          position: 0,
          level1: '产出指标',
          level2: '成本指标',
          name: '资金使用',
          description: null,
          basis: null,
          standard: null,
          targetRaw: '≦200.24万元',
          targetKind: 'quantitative',
          targetOp: '<=',
          targetValue: '12345678901234.000001',
          targetUnit: '万元',
          targetText: null,
          weight: '16.6667',
        }),
      );
      const back = await ds.getRepository(TargetSheetEntity).findOneByOrFail({ id: sheet.id });
      expect(back.budgetTotal).toBe('123456789012.123456');
      expect(typeof back.budgetTotal).toBe('string');
      expect(back.spendingPlan).toEqual([{ month: 3, percent: '25' }]);
      const ind = await ds.getRepository(IndicatorEntity).findOneByOrFail({ sheetId: sheet.id });
      expect(ind.targetValue).toBe('12345678901234.000001');
      expect(ind.weight).toBe('16.6667');
      // and as stored, not only through the transformer: text on SQLite, numeric on PostgreSQL
      const [raw] = await ds.query(`SELECT budget_total AS b FROM target_sheet WHERE id = '${sheet.id}'`);
      expect(String(raw.b).replace(/0+$/, '')).toBe('123456789012.123456');

      // the unique version key holds on both drivers
      const { indicators: _none, unit: _unit, ...plain } = back;
      await expect(sheets.insert({ ...plain, id: randomUUID() })).rejects.toThrow(/unique|UNIQUE/);

      await ds.query("DELETE FROM unit WHERE code = '900'");
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      expect(await tablesPresent(ds)).toEqual([]);
    });
  });
}

migrationSuite('migrations on SQLite', async () => ({
  db: { driver: 'sqlite', file: path.join(tempDir(), 'm.sqlite') },
  drop: async () => undefined,
}));

describePg('PostgreSQL', () => {
  migrationSuite('migrations on PostgreSQL', createPgSchema);

  it('two processes migrating one empty database at once: one applies every migration, the other finds none', async () => {
    const { db, drop } = await createPgSchema();
    const sources = [createDataSource(db), createDataSource(db)];
    try {
      await Promise.all(sources.map((ds) => ds.initialize()));
      // without the lock the second process fails: duplicate key … "pg_type_typname_nsp_index"
      const ran = await Promise.all(sources.map((ds) => migrateOnce(ds)));
      expect(ran.map((r) => r.length).sort((a, b) => a - b)).toEqual([0, MIGRATIONS.length]);
      expect(await tablesPresent(sources[0])).toEqual(TABLES);
      const applied = (await sources[0].query(`SELECT count(*)::int AS n FROM ${db.schema}.migrations`)) as {
        n: number;
      }[];
      expect(applied[0].n).toBe(MIGRATIONS.length);
    } finally {
      for (const ds of sources) if (ds.isInitialized) await ds.destroy();
      await drop();
    }
  });
});
