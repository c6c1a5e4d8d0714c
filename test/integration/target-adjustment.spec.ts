import type { DataSource } from 'typeorm';
import { auditTrail, IndicatorValueEntity, QuarterReportEntity } from '@selfeval/db';
import { parseTarget, TargetSheet } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';
import { openedDataSource, sqliteFile, TestDatabase } from '../helpers/data-source';
import { createPgSchema, describePg } from '../helpers/postgres';
import { approvedSheet, quarterReports, recordingEnqueuer, sheetWithIndicators } from '../helpers/workflow-db';

const now = () => new Date('2026-05-10T02:00:00Z');

/** The approved sheet's indicators 0..3 with one target changed, one removed (2), one with a new unit (3), one added. */
function adjusted(base: TargetSheet): TargetSheet {
  const [a, b, , d] = base.indicators;
  return {
    ...base,
    budget: { total: '120' },
    indicators: [
      a,
      { ...b, target: parseTarget('≥20次', {}).targets[0] },
      { ...d, target: parseTarget('≥95%', {}).targets[0] },
      { ...a, name: '新增指标', target: parseTarget('≥5次', {}).targets[0] },
    ],
  };
}

function suite(label: string, makeDb: TestDatabase) {
  describe(`目标调整 carry-over on ${label}`, () => {
    const database = openedDataSource(makeDb);
    let ds: DataSource;
    beforeAll(() => (ds = database()));

    it('moves Q1 to the new version in one approval: matching values kept, the others listed, audited', async () => {
      const base = sheetWithIndicators('调整测试', 4);
      const { sheet, periods } = await approvedSheet(ds, base, now);
      const { service: reports } = quarterReports(ds, periods, now);
      const values = sheet.indicators.map((i, k) => ({ indicatorId: i.id, value: `${k + 1}次` }));
      await reports.saveDraft(sheet.id, 'Q1', { spending: [{ source: '财政拨款', amount: '10' }], values }, 'tb');
      await reports.submit(sheet.id, 'Q1', 'tb');

      const monitoring = recordingEnqueuer();
      const targets = new TargetsService(ds, now, { monitoring: monitoring.enqueue, scoring: async () => undefined });
      const [draft] = await targets.importResult({ sheets: [adjusted(base)], warnings: [] }, { name: '调整.txt' });
      expect(draft).toMatchObject({ outcome: 'new-version', status: 'draft', version: 2 });

      const review = await targets.reviewVersion(draft.id);
      expect(review.header).toEqual([{ label: '资金总额（万元）', old: '100', new: '120' }]);
      expect(review.diff?.added.map((i) => i.name)).toEqual(['新增指标']);
      expect(review.diff?.removed.map((i) => i.name)).toEqual(['指标00002']);
      expect(review.reports).toEqual([
        {
          period: 'Q1',
          periodName: '一季度（1–3月）',
          status: '已提交',
          carried: 2,
          dropped: [
            { indicator: '指标00002', value: '3次', reason: '新版本中没有该指标' },
            { indicator: '指标00003', value: '4次', reason: '计量单位由“次”改为“%”' },
          ],
        },
      ]);

      // a save after the page was read changes the plan: the approval with the old one is refused, nothing moves
      const stale = review.plan;
      const q1Before = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId: sheet.id, period: 'Q1' });
      await reports.saveDraft(sheet.id, 'Q2', { spending: [{ source: '财政拨款', amount: '20' }], values }, 'tb');
      await expect(targets.approve(draft.id, '管理员', { plan: stale })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await ds.getRepository(QuarterReportEntity).findOneByOrFail({ id: q1Before.id })).sheetId).toBe(sheet.id);

      const fresh = await targets.reviewVersion(draft.id);
      const approved = await targets.approve(draft.id, '管理员', { plan: fresh.plan });
      expect(approved.status).toBe('approved');
      expect((await targets.getSheet(sheet.id)).status).toBe('superseded');

      const q1 = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ period: 'Q1', sheetId: draft.id });
      expect(q1).toMatchObject({ status: 'submitted', spentTotal: '10', dataVersion: q1Before.dataVersion + 1 });
      expect(await ds.getRepository(QuarterReportEntity).countBy({ sheetId: draft.id })).toBe(2);
      const newIds = new Map((await targets.getSheet(draft.id)).indicators.map((i) => [i.id, i.name]));
      const kept = await ds.getRepository(IndicatorValueEntity).findBy({ reportId: q1.id });
      expect(kept.map((v) => [newIds.get(v.indicatorId), v.valueRaw]).sort()).toEqual([
        ['指标00000', '1次'],
        ['指标00001', '2次'],
      ]);
      const carried = (await auditTrail(ds, q1.id)).filter((a) => a.action === 'carry-over');
      expect(carried.map((a) => [a.field, a.oldValue, a.newValue])).toEqual(
        expect.arrayContaining([
          ['目标表版本', '第 1 版', '第 2 版'],
          ['指标“指标00002”', '3次', null],
          ['指标“指标00003”', '4次', null],
        ]),
      );
      expect(monitoring.calls).toEqual([[q1.id, q1.dataVersion]]);
      // the reporter goes on under the new version: the added indicator is asked for
      const next = [...newIds].map(([id, name]) => ({ indicatorId: id, value: name === '指标00003' ? '50%' : '2次' }));
      await reports.saveDraft(draft.id, 'Q2', { spending: [{ source: '财政拨款', amount: '20' }], values: next }, 'tb');
    });

    it('rejects a draft only with a reason; the version in force stays and the same file asks again', async () => {
      const base = sheetWithIndicators('驳回测试', 4);
      const { sheet } = await approvedSheet(ds, base, now);
      const targets = new TargetsService(ds, now);
      const [draft] = await targets.importResult({ sheets: [adjusted(base)], warnings: [] }, { name: 'x.txt' });
      await expect(targets.reject(draft.id, '  ', '管理员')).rejects.toMatchObject({ where: { field: 'reason' } });
      await targets.reject(draft.id, '预算未批复', '管理员');
      expect((await targets.reviewVersion(draft.id)).rejectReason).toBe('预算未批复');
      expect((await targets.getSheet(sheet.id)).status).toBe('approved');
      await expect(targets.approve(draft.id, '管理员')).rejects.toMatchObject({ code: 'SHEET_LOCKED' });
      const [again] = await targets.importResult({ sheets: [adjusted(base)], warnings: [] }, { name: 'x.txt' });
      expect(again).toMatchObject({ outcome: 'new-version', version: 3, status: 'draft' });
    });
  });
}

suite('SQLite', sqliteFile('adjust.sqlite'));
describePg('PostgreSQL', () => suite('PostgreSQL', createPgSchema));
