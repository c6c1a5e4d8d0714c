import { DataSource } from 'typeorm';
import { Clock, indicatorValues, MonitoringResultEntity, QuarterReportEntity, sheetWithIndicators } from '@selfeval/db';
import { D, indicatorLight, Period, PERIOD_MONTH, spendingLight, worstLight } from '@selfeval/domain';
import { indicatorTarget } from '@selfeval/targets';

/** 双监控 lights of a submitted quarter report, computed by the ComputeMonitoring job. */
export class MonitoringService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: Clock,
  ) {}

  /** The job's work: lights for one report at one data version; a stale version is skipped. */
  async computeMonitoring(reportId: string, dataVersion: number): Promise<'done' | 'skipped'> {
    return this.ds.transaction(async (em) => {
      const report = await em.getRepository(QuarterReportEntity).findOneBy({ id: reportId });
      if (!report || report.dataVersion !== dataVersion) return 'skipped';
      const { sheet, indicators } = await sheetWithIndicators(em, report.sheetId);
      const values = new Map((await indicatorValues(em, reportId)).map((v) => [v.indicatorId, v]));
      const month = PERIOD_MONTH[report.period as Period];
      const spending = spendingLight(report.spentTotal, report.adjustedBudget, month, sheet.spendingPlan);
      const lights = indicators.map((i) => {
        const v = values.get(i.id);
        const l = indicatorLight(
          {
            target: indicatorTarget(i),
            current: v?.valueNum ? new D(v.valueNum) : null,
            grade: v?.grade,
            likelihood: v?.likelihood,
          },
          month,
        );
        return { indicatorId: i.id, name: i.name, ...l };
      });
      const repo = em.getRepository(MonitoringResultEntity);
      const row = (await repo.findOneBy({ reportId })) ?? repo.create({ reportId });
      Object.assign(row, {
        dataVersion,
        spendingLight: spending.light,
        indicatorLight: worstLight(lights.map((l) => l.light)),
        details: { spending, indicators: lights },
        computedAt: this.now(),
      });
      await repo.save(row);
      return 'done';
    });
  }
}
