import type { DataSource } from 'typeorm';
import { PeriodsService, QuarterReportsService } from '@selfeval/actuals';
import { QuarterReportEntity, transition } from '@selfeval/db';
import { DomainError, QuarterReportInput } from '@selfeval/domain';
import { openedDataSource, sqliteFile, TestDatabase } from '../helpers/data-source';
import { createPgSchema, describePg } from '../helpers/postgres';
import { approvedSheet, auditRows, quarterReports, settle, sheetWithIndicators } from '../helpers/workflow-db';

const now = () => new Date('2026-04-10T02:00:00Z');
const input = (indicatorIds: string[], spent = '10'): QuarterReportInput => ({
  spending: [{ source: '财政拨款', amount: spent }],
  values: indicatorIds.map((indicatorId) => ({ indicatorId, value: '3次' })),
});
/** The codes the API answers with HTTP 409. */
const conflictLike = (e: unknown) =>
  e instanceof DomainError && (e.code === 'CONFLICT' || e.code === 'WORKFLOW_STATE') ? e.code : e;

describePg('quarter reports on PostgreSQL: workflow rules, one conditional write per transition', () => {
  const database = openedDataSource();
  let ds: DataSource;
  let periods: PeriodsService;
  let reports: QuarterReportsService;
  let enqueued: [string, number][];
  let sheetId: string;
  let ids: string[];

  beforeAll(async () => {
    ds = database();
    const approved = await approvedSheet(ds, sheetWithIndicators('季报工作流', 3), now);
    periods = approved.periods;
    sheetId = approved.sheet.id;
    ids = approved.sheet.indicators.map((i) => i.id);
    ({ service: reports, enqueued } = quarterReports(ds, periods, now));
  });
  it('five first saves at once: none fails on the unique key, one creates, the versions count the saves', async () => {
    const { ok, errors } = await settle(
      Array.from({ length: 5 }, (_, k) => reports.saveDraft(sheetId, 'Q1', input(ids, String(10 + k)), `填报人${k}`)),
    );
    // a save either lands on top of the one before it or is refused as a conflict: never a 500
    expect(errors.map(conflictLike)).toEqual(errors.map(() => 'CONFLICT'));
    const row = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId, period: 'Q1' });
    expect(row.dataVersion).toBe(ok.length);
    expect(await ds.getRepository(QuarterReportEntity).countBy({ sheetId, period: 'Q1' })).toBe(1);
    // one audit row per changed field; every save changed 累计执行数, only the first one created the report
    const spentRows = (await auditRows(ds, row.id)).filter((a) => a.field === '累计执行数');
    expect(spentRows).toHaveLength(ok.length);
    expect(spentRows.filter((a) => a.action === 'create')).toHaveLength(1);
  });

  it('five submits at once: exactly one succeeds, the others get a 409, one audit row, one monitoring job', async () => {
    const report = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId, period: 'Q1' });
    enqueued.length = 0;
    const { ok, errors } = await settle(Array.from({ length: 5 }, () => reports.submit(sheetId, 'Q1', '填报人')));
    expect(ok).toHaveLength(1);
    expect(errors).toHaveLength(4);
    expect(errors.map(conflictLike).every((c) => c === 'CONFLICT' || c === 'WORKFLOW_STATE')).toBe(true);
    expect(await auditRows(ds, report.id, 'submit')).toHaveLength(1);
    expect(enqueued).toEqual([[report.id, report.dataVersion]]);
    expect((await ds.getRepository(QuarterReportEntity).findOneByOrFail({ id: report.id })).status).toBe('submitted');
  });

  it('a transition from a state the row has left writes nothing and says so in Chinese', async () => {
    const report = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId, period: 'Q1' });
    const before = (await auditRows(ds, report.id)).length;
    // as a request that read "draft" before another one submitted would do
    const stale = ds.transaction((em) =>
      transition(em, {
        entity: QuarterReportEntity,
        id: report.id,
        from: ['draft', 'returned'],
        to: 'submitted',
        conflict: '该季度报告已被他人提交或状态已变化，请刷新后重试',
        audit: { action: 'submit', actor: '迟到者' },
      }),
    );
    await expect(stale).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: '该季度报告已被他人提交或状态已变化，请刷新后重试',
    });
    expect(await auditRows(ds, report.id)).toHaveLength(before);
  });

  it('submitted data change only through a return; confirm and return race: one wins', async () => {
    await expect(reports.saveDraft(sheetId, 'Q1', input(ids), '填报人')).rejects.toMatchObject({
      code: 'WORKFLOW_STATE',
    });
    const { ok, errors } = await settle([
      reports.confirm(sheetId, 'Q1', '负责人'),
      reports.returnReport(sheetId, 'Q1', '数据有误', '负责人'),
      reports.confirm(sheetId, 'Q1', '负责人'),
    ]);
    // a return may follow a confirm (both from its allowed states); a second confirm never lands
    const report = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId, period: 'Q1' });
    expect(ok.length + errors.length).toBe(3);
    expect(await auditRows(ds, report.id, 'confirm')).toHaveLength(ok.filter((r) => r.status === 'confirmed').length);
    expect((await auditRows(ds, report.id, 'confirm')).length).toBeLessThanOrEqual(1);
    expect(errors.map(conflictLike).every((c) => c === 'CONFLICT' || c === 'WORKFLOW_STATE')).toBe(true);
    if (report.status === 'returned') {
      expect(report.returnReason).toBe('数据有误');
      const [ret] = await auditRows(ds, report.id, 'return');
      expect(ret).toMatchObject({
        actor: '负责人',
        reason: '数据有误',
        oldValue: expect.any(String),
        newValue: '已退回',
      });
    }
  });

  it('a returned report is edited and resubmitted; every step is in the audit trail', async () => {
    const report = await ds.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId, period: 'Q1' });
    if (report.status !== 'returned') await reports.returnReport(sheetId, 'Q1', '数据有误', '负责人');
    const { report: saved } = await reports.saveDraft(sheetId, 'Q1', input(ids, '42'), '填报人');
    expect(saved).toMatchObject({ status: 'returned', spentTotal: '42', dataVersion: report.dataVersion + 1 });
    const submitted = await reports.submit(sheetId, 'Q1', '填报人');
    expect(submitted.status).toBe('submitted');
    const trail = await auditRows(ds, report.id);
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'submit', 'return', 'update']));
    expect(trail.filter((a) => a.field === '累计执行数' && a.newValue === '42')).toEqual([
      expect.objectContaining({ action: 'update', actor: '填报人', oldValue: expect.any(String) }),
    ]);
  });
});

function bigSheet(label: string, makeDb: TestDatabase) {
  describe(`a 10,000-indicator sheet on ${label}`, () => {
    const database = openedDataSource(makeDb);
    let ds: DataSource;
    beforeAll(() => (ds = database()));

    it('stores the sheet and a full quarter report, and reads both back in order', async () => {
      const { sheet, periods } = await approvedSheet(ds, sheetWithIndicators('万项指标', 10_000), now);
      expect(sheet.indicators).toHaveLength(10_000);
      expect(sheet.indicators.map((i) => i.position)).toEqual(Array.from({ length: 10_000 }, (_, k) => k));
      expect(sheet.indicators[9_999].name).toBe('指标09999');
      const { service } = quarterReports(ds, periods, now);
      await service.saveDraft(sheet.id, 'Q1', input(sheet.indicators.map((i) => i.id)), '填报人');
      const report = await service.getReport(sheet.id, 'Q1');
      expect(report?.values).toHaveLength(10_000);
      expect(new Set(report?.values.map((v) => v.indicatorId))).toEqual(new Set(sheet.indicators.map((i) => i.id)));
    }, 120_000);
  });
}

describePg('PostgreSQL (65,535 bind parameters)', () => bigSheet('PostgreSQL', createPgSchema));
bigSheet('SQLite', sqliteFile('big.sqlite'));
