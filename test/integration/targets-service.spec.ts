import type { DataSource } from 'typeorm';
import { auditTrail, systemClock } from '@selfeval/db';
import type { ImportResult, TargetSheet } from '@selfeval/domain';
import { indicatorTarget, TargetsService } from '@selfeval/targets';
import { openedDataSource, sqliteFile, TestDatabase } from '../helpers/data-source';
import { createPgSchema, describePg } from '../helpers/postgres';

const sheet = (name: string, level2: string = '数量指标'): TargetSheet => ({
  kind: 'project',
  year: 2024,
  unit: { code: '900', name: '测试局' },
  project: { code: null, name },
  budget: { total: '10.00' },
  spendingPlan: [],
  goal: null,
  attributes: {},
  warnings: [],
  indicators: [
    {
      level1: '产出指标',
      level2,
      name: '次数',
      target: { raw: '≥1次', kind: 'quantitative', op: '>=', value: '1', unit: '次' },
    },
  ],
});

function suite(label: string, makeDb: TestDatabase) {
  describe(`TargetsService all-or-nothing on ${label}`, () => {
    const database = openedDataSource(makeDb);
    let ds: DataSource;
    beforeAll(() => (ds = database()));

    it('stores nothing of a file when a later sheet fails to write', async () => {
      const service = new TargetsService(ds, systemClock);
      // level2 is NOT NULL: the second sheet fails inside the transaction, after the first was written.
      const bad: ImportResult = { sheets: [sheet('甲'), sheet('乙', null as unknown as string)], warnings: [] };
      await expect(service.importResult(bad, { name: 'bad.txt' })).rejects.toThrow();
      const count = async (t: string) => Number((await ds.query(`SELECT count(*) AS n FROM ${t}`))[0].n);
      expect(await count('target_sheet')).toBe(0);
      expect(await count('unit')).toBe(0);
      const good: ImportResult = { sheets: [sheet('甲'), sheet('乙')], warnings: [] };
      const stored = await service.importResult(good, { name: 'good.txt' });
      expect(stored.map((s) => s.outcome)).toEqual(['created', 'created']);
      expect(await count('target_sheet')).toBe(2);
    });

    it('refuses a sheet without a year before writing anything', async () => {
      const service = new TargetsService(ds, systemClock);
      const noYear: ImportResult = { sheets: [{ ...sheet('丙'), year: null }], warnings: [] };
      await expect(service.importResult(noYear, { name: 'x.txt' })).rejects.toMatchObject({
        code: 'SHEET_INVALID',
        where: { field: 'year', sheet: '丙' },
      });
    });

    it('audits an indicator edit and the approval, each in its own transaction', async () => {
      const at = new Date('2026-03-01T00:00:00Z');
      const service = new TargetsService(ds, () => at);
      const [stored] = await service.importResult({ sheets: [sheet('丁')], warnings: [] }, { name: 'd.txt' });
      const [indicator] = (await service.getSheet(stored.id)).indicators;
      await service.updateIndicator(stored.id, indicator.id, { target: '≥2次' }, '管理员');
      const approved = await service.approve(stored.id, '管理员');
      expect(approved).toMatchObject({ status: 'approved', approvedBy: '管理员', approvedAt: at });
      expect(await auditTrail(ds, indicator.id)).toEqual([
        expect.objectContaining({ action: 'update', actor: '管理员', oldValue: '≥1次', newValue: '≥2次' }),
      ]);
      expect(await auditTrail(ds, stored.id)).toEqual([
        expect.objectContaining({ action: 'approve', actor: '管理员', oldValue: '草稿', newValue: '审核通过' }),
      ]);
      await expect(service.approve(stored.id, '另一管理员')).rejects.toMatchObject({ code: 'SHEET_LOCKED' });
    });

    it('stores date and period targets and reads them back as dates and periods', async () => {
      const service = new TargetsService(ds, systemClock);
      const timed: TargetSheet = {
        ...sheet('丁'),
        indicators: [
          {
            level1: '产出指标',
            level2: '时效指标',
            name: '资金拨付时间',
            target: { raw: '10月底前', kind: 'date', op: '<=', value: '--10-31', unit: null, text: '10月底前' },
          },
          {
            level1: '产出指标',
            level2: '时效指标',
            name: '实施期间',
            target: {
              raw: '2024.03-2024.11',
              kind: 'period',
              op: '=',
              value: '2024-03/2024-11',
              unit: null,
              text: '2024.03-2024.11',
            },
          },
        ],
      };
      const [stored] = await service.importResult({ sheets: [timed], warnings: [] }, { name: 'timed.txt' });
      const back = await service.getSheet(stored.id);
      const targets = [...back.indicators].sort((a, b) => a.position - b.position).map(indicatorTarget);
      expect(targets).toEqual(timed.indicators.map((i) => i.target));
    });
  });
}

suite('SQLite', sqliteFile('t.sqlite'));
describePg('PostgreSQL', () => suite('PostgreSQL', createPgSchema));
