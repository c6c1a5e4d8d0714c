import { DataSource, In } from 'typeorm';
import {
  auditTrail,
  findQuarterReport,
  MonitoringResultEntity,
  QuarterReportEntity,
  ReportFileEntity,
  ReportPeriodEntity,
  MonitoringDetails,
  ReportStatus,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import { DEPARTMENT_SHEET_NAME, Light, Period, worstLight } from '@selfeval/domain';
import { assertPeriod } from './periods.service';

/** Read-only views over the quarterly reports: overviews, the 双监控 board, reminders, the audit trail. */
export class ActualsQueries {
  constructor(private readonly ds: DataSource) {}

  /** Quarter report status per sheet and period, for overviews. */
  async statuses(sheetIds: string[]): Promise<Map<string, Partial<Record<Period, ReportStatus>>>> {
    const out = new Map<string, Partial<Record<Period, ReportStatus>>>();
    if (!sheetIds.length) return out;
    const rows = await this.ds
      .getRepository(QuarterReportEntity)
      .find({ select: { sheetId: true, period: true, status: true }, where: { sheetId: In(sheetIds) } });
    for (const r of rows) out.set(r.sheetId, { ...out.get(r.sheetId), [r.period]: r.status });
    return out;
  }

  /** The newest rendered 绩效运行监控表 of a sheet's quarter, if any. */
  async latestMonitoringTable(sheetId: string, periodText: string): Promise<ReportFileEntity | null> {
    const report = await findQuarterReport(this.ds, sheetId, assertPeriod(periodText));
    if (!report) return null;
    return this.ds
      .getRepository(ReportFileEntity)
      .findOne({ where: { quarterReportId: report.id, kind: 'monitoring-table' }, order: { dataVersion: 'DESC' } });
  }

  auditTrail(entityId: string) {
    return auditTrail(this.ds, entityId);
  }

  /**
   * Units to remind: a period closes within `days`, the unit has an approved sheet of that year
   * without a submitted or confirmed report, and somewhere to send it: a contact e-mail, a group
   * robot, or both (`email` is null for a unit reached only by its robot).
   */
  async pendingReminders(now: Date, days: number) {
    const horizon = new Date(now.getTime() + days * 86_400_000);
    const periods = await this.ds
      .getRepository(ReportPeriodEntity)
      .createQueryBuilder('p')
      .where('p.closes_at >= :now AND p.closes_at <= :horizon', { now, horizon })
      .getMany();
    const out: {
      unitId: string;
      unitName: string;
      email: string | null;
      year: number;
      period: Period;
      closesAt: Date;
      sheets: string[];
    }[] = [];
    for (const p of periods) {
      const rows = await this.ds
        .getRepository(TargetSheetEntity)
        .createQueryBuilder('s')
        .innerJoin(UnitEntity, 'u', 'u.id = s.unit_id')
        .leftJoin(QuarterReportEntity, 'r', 'r.sheet_id = s.id AND r.period = :period', { period: p.period })
        .select([
          'u.id AS "unitId"',
          'u.name AS "unitName"',
          'u.contact_email AS "email"',
          's.name AS "sheetName"',
          's.kind AS "kind"',
        ])
        .where('s.year = :year AND s.status = :approved', { year: p.year, approved: 'approved' })
        .andWhere("(r.id IS NULL OR r.status NOT IN ('submitted', 'confirmed'))")
        .andWhere('(u.contact_email IS NOT NULL OR u.webhook_url IS NOT NULL)')
        // a total order: projects without a code would otherwise come in any order
        .orderBy('u.code')
        .addOrderBy('s.kind')
        .addOrderBy('s.project_code')
        .addOrderBy('s.name')
        .addOrderBy('s.id')
        .getRawMany<{ unitId: string; unitName: string; email: string | null; sheetName: string; kind: string }>();
      const byUnit = new Map<string, (typeof out)[number]>();
      for (const r of rows) {
        const entry = byUnit.get(r.unitId) ?? {
          unitId: r.unitId,
          unitName: r.unitName,
          email: r.email,
          year: p.year,
          period: p.period as Period,
          closesAt: p.closesAt,
          sheets: [],
        };
        entry.sheets.push(r.kind === 'department' ? `${DEPARTMENT_SHEET_NAME}绩效目标表` : r.sheetName);
        byUnit.set(r.unitId, entry);
      }
      out.push(...byUnit.values());
    }
    return out;
  }

  /** Every year that has a target sheet in the caller's units (newest first): the board's year list. */
  async sheetYears(unitIds?: readonly string[]): Promise<number[]> {
    const qb = this.ds.getRepository(TargetSheetEntity).createQueryBuilder('s').select('DISTINCT s.year', 'year');
    if (unitIds) qb.where(unitIds.length ? 's.unit_id IN (:...unitIds)' : '1 = 0', { unitIds });
    const rows = await qb.orderBy('year', 'DESC').getRawMany<{ year: number | string }>();
    return rows.map((r) => Number(r.year));
  }

  /** 双监控 board: every approved sheet of the year, its report status and lights, and who has not reported. */
  /** unitIds: only these units (the caller's scope); undefined for all. */
  async board(year: number, periodText: string, unitIds?: readonly string[]) {
    const period = assertPeriod(periodText);
    const qb = this.ds
      .getRepository(TargetSheetEntity)
      .createQueryBuilder('s')
      .innerJoin(UnitEntity, 'u', 'u.id = s.unit_id')
      .leftJoin(QuarterReportEntity, 'r', 'r.sheet_id = s.id AND r.period = :period', { period })
      .leftJoin(MonitoringResultEntity, 'm', 'm.report_id = r.id')
      .select([
        'u.code AS "unitCode"',
        'u.name AS "unitName"',
        's.id AS "sheetId"',
        's.kind AS "kind"',
        's.name AS "sheetName"',
        'r.status AS "status"',
        'm.spending_light AS "spendingLight"',
        'm.indicator_light AS "indicatorLight"',
        'm.data_version AS "lightsVersion"',
        'm.details AS "lightDetails"',
        'r.data_version AS "dataVersion"',
      ])
      .where('s.year = :year AND s.status = :approved', { year, approved: 'approved' });
    if (unitIds) qb.andWhere(unitIds.length ? 'u.id IN (:...unitIds)' : '1 = 0', { unitIds });
    const rows = await qb
      .orderBy('u.code')
      .addOrderBy('s.kind')
      // project codes are ASCII: the order does not depend on the database's collation
      .addOrderBy('s.project_code')
      .addOrderBy('s.name')
      .getRawMany<{
        unitCode: string;
        unitName: string;
        sheetId: string;
        kind: string;
        sheetName: string;
        status: string | null;
        spendingLight: string | null;
        indicatorLight: string | null;
        lightsVersion: number | null;
        lightDetails: string | null;
        dataVersion: number | null;
      }>();
    const reported = (s: string | null) => s === 'submitted' || s === 'confirmed';
    // a unit imported without a code is coded by its name: printed once then
    const unitLabel = (r: { unitCode: string; unitName: string }) =>
      r.unitCode === r.unitName ? r.unitName : `${r.unitCode} ${r.unitName}`;
    const notReported = [...new Set(rows.filter((r) => !reported(r.status)).map(unitLabel))];
    return {
      year,
      period,
      rows: rows.map(({ lightDetails, ...r }) => ({
        ...r,
        status: r.status ?? 'none',
        // lights computed from an older version are shown as pending, not as current
        lightsCurrent: r.lightsVersion !== null && Number(r.lightsVersion) === Number(r.dataVersion),
        ...lightReasons(lightDetails),
      })),
      notReported,
    };
  }
}

/**
 * Why a sheet's lights are what they are, in words: the spending light's reason, and the indicators that are
 * red (or, when none is, yellow) with theirs. From the details the monitoring job stored with the lights.
 */
export function lightReasons(details: MonitoringDetails | string | null): {
  spendingReason: string | null;
  indicatorReasons: { name: string; light: Light; explanation: string }[];
} {
  let d: MonitoringDetails | null = null;
  try {
    d = typeof details === 'string' ? (JSON.parse(details) as MonitoringDetails) : details;
  } catch {
    d = null;
  }
  if (!d) return { spendingReason: null, indicatorReasons: [] };
  const worst = worstLight(d.indicators.map((i) => i.light));
  return {
    spendingReason: d.spending?.explanation ?? null,
    indicatorReasons:
      worst === 'red' || worst === 'yellow'
        ? d.indicators
            .filter((i) => i.light === worst)
            .map((i) => ({ name: i.name, light: i.light, explanation: i.explanation }))
        : [],
  };
}
