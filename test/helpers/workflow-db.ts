import type { DataSource } from 'typeorm';
import { PeriodsService, QuarterReportsService } from '@selfeval/actuals';
import { AuditLogEntity, Clock } from '@selfeval/db';
import { parseTarget, TargetSheet } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';

/** A project sheet with `n` quantitative indicators (positions 0..n-1). */
export function sheetWithIndicators(name: string, n: number): TargetSheet {
  const target = parseTarget('≥10次', {}).targets[0];
  return {
    kind: 'project',
    year: 2026,
    unit: { code: '901', name: '工作流测试单位' },
    project: { code: null, name },
    budget: { total: '100' },
    spendingPlan: [],
    goal: '完成年度任务',
    attributes: {},
    warnings: [],
    indicators: Array.from({ length: n }, (_, k) => ({
      level1: '产出指标',
      level2: '数量指标',
      name: `指标${String(k).padStart(5, '0')}`,
      target,
    })),
  };
}

/** Imports and approves a sheet; opens every quarter of its year around `now`. */
export async function approvedSheet(ds: DataSource, sheet: TargetSheet, now: Clock) {
  const targets = new TargetsService(ds, now);
  const [stored] = await targets.importResult(
    { sheets: [sheet], warnings: [] },
    { name: `${sheet.project?.name}.txt` },
  );
  await targets.approve(stored.id, 'admin');
  const periods = new PeriodsService(ds, now);
  for (const p of ['Q1', 'Q2', 'Q3', 'Q4'])
    await periods.setPeriod(
      2026,
      p,
      new Date(now().getTime() - 86_400_000),
      new Date(now().getTime() + 86_400_000),
      'admin',
    );
  return { sheet: await targets.getSheet(stored.id), periods };
}

/** Records what a service asked to enqueue: the calls are the observable effect under test. */
export function recordingEnqueuer() {
  const calls: [string, number][] = [];
  const enqueue = async (id: string, version: number) => {
    calls.push([id, version]);
  };
  return { calls, enqueue };
}

export function quarterReports(ds: DataSource, periods: PeriodsService, now: Clock) {
  const recorded = recordingEnqueuer();
  return { service: new QuarterReportsService(ds, periods, recorded.enqueue, now), enqueued: recorded.calls };
}

export const auditRows = (ds: DataSource, entityId: string, action?: string) =>
  ds.getRepository(AuditLogEntity).find({ where: { entityId, ...(action ? { action } : {}) } });

/** Settles every promise and splits outcomes; rejections keep their error. */
export async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled').map((r) => r.value),
    errors: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown),
  };
}
