import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  BudgetAdjustmentEntity,
  IndicatorValueEntity,
  MonitoringResultEntity,
  QuarterReportEntity,
  ReportSpendingEntity,
} from '../entities';
import { bulkInsert } from './bulk-insert';

type Db = DataSource | EntityManager;

export function findQuarterReport(db: Db, sheetId: string, period: string) {
  return db.getRepository(QuarterReportEntity).findOneBy({ sheetId, period });
}

export function indicatorValues(db: Db, reportId: string) {
  return db.getRepository(IndicatorValueEntity).findBy({ reportId });
}

/** Every quarter report of a sheet, by period. */
export async function quarterReportsByPeriod(db: Db, sheetId: string) {
  const reports = await db.getRepository(QuarterReportEntity).findBy({ sheetId });
  return new Map(reports.map((r) => [r.period, r]));
}

export function reportSpending(db: Db, reportId: string) {
  return db.getRepository(ReportSpendingEntity).findBy({ reportId });
}

export function monitoringResult(db: Db, reportId: string) {
  return db.getRepository(MonitoringResultEntity).findOneBy({ reportId });
}

/** A report with everything reported in it and its lights. */
export async function quarterReportWithData(db: Db, sheetId: string, period: string) {
  const report = await findQuarterReport(db, sheetId, period);
  if (!report) return null;
  const [spending, adjustments, values, monitoring] = await Promise.all([
    reportSpending(db, report.id),
    db.getRepository(BudgetAdjustmentEntity).findBy({ reportId: report.id }),
    indicatorValues(db, report.id),
    monitoringResult(db, report.id),
  ]);
  return { report, spending, adjustments, values, monitoring };
}

/**
 * The report row of a sheet and period, created empty (data version 0) when there is none yet.
 * Two first saves at once both end here with the same row: the loser's INSERT does nothing
 * (ON CONFLICT DO NOTHING / INSERT OR IGNORE) instead of failing on the unique key.
 */
export async function ensureQuarterReport(
  em: EntityManager,
  key: { sheetId: string; unitId: string; year: number; period: string },
): Promise<QuarterReportEntity> {
  const found = await findQuarterReport(em, key.sheetId, key.period);
  if (found) return found;
  await em
    .createQueryBuilder()
    .insert()
    .into(QuarterReportEntity)
    .values({ id: randomUUID(), ...key, status: 'draft', spentTotal: '0', adjustedBudget: '0', dataVersion: 0 })
    .orIgnore()
    .updateEntity(false)
    .execute();
  return em.getRepository(QuarterReportEntity).findOneByOrFail({ sheetId: key.sheetId, period: key.period });
}

/** Replaces the reported rows (spending, adjustments, indicator values) of one report. */
export async function replaceReportData(
  em: EntityManager,
  reportId: string,
  data: {
    spending: { source: string; amount: string }[];
    adjustments: { amount: string; reason: string }[];
    values: Omit<Partial<IndicatorValueEntity>, 'id' | 'reportId'>[];
  },
): Promise<void> {
  for (const entity of [ReportSpendingEntity, BudgetAdjustmentEntity, IndicatorValueEntity])
    await em.getRepository(entity).delete({ reportId });
  await bulkInsert(
    em,
    ReportSpendingEntity,
    data.spending.map((s) => ({ reportId, ...s })),
  );
  await bulkInsert(
    em,
    BudgetAdjustmentEntity,
    data.adjustments.map((a) => ({ reportId, ...a })),
  );
  await bulkInsert(
    em,
    IndicatorValueEntity,
    data.values.map((v) => ({ reportId, ...v })),
  );
}
