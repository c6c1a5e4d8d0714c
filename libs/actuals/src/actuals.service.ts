import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import {
  AuditLogEntity,
  BudgetAdjustmentEntity,
  EvidenceFileEntity,
  IndicatorEntity,
  IndicatorValueEntity,
  MonitoringResultEntity,
  PeriodReopenEntity,
  QuarterReportEntity,
  ReportFileEntity,
  ReportPeriodEntity,
  ReportSpendingEntity,
  ReportStatus,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import {
  checkEvidence,
  D,
  DomainError,
  indicatorLight,
  evidenceFileName,
  Period,
  PERIOD_MONTH,
  PERIOD_NAME,
  PERIODS,
  QuarterReportInput,
  spendingLight,
  validateQuarterReport,
  worstLight,
} from '@selfeval/domain';
import { indicatorTarget } from '@selfeval/targets';
import { ContentStore } from '@selfeval/db';
import { buildFillInWorkbook, readFillInWorkbook, withCells } from './fill-in-workbook';

export interface MonitoringEnqueuer {
  (reportId: string, dataVersion: number): Promise<unknown>;
}

export function assertPeriod(period: string): Period {
  if (!(PERIODS as string[]).includes(period))
    throw new DomainError('VALIDATION_FAILED', `报告期“${period}”应为 Q1、Q2、Q3 或 Q4`, { field: 'period' });
  return period as Period;
}

/**
 * Quarterly reporting (domain.md §1, §5): draft → submitted (填报人) → confirmed (单位负责人), or
 * returned with a reason. Submitted data changes only through a return. Every change is audited.
 */
export class ActualsService {
  constructor(
    private readonly ds: DataSource,
    private readonly enqueueMonitoring: MonitoringEnqueuer = async () => undefined,
    private readonly now: () => Date = () => new Date(),
    private readonly evidence?: ContentStore,
  ) {}

  // ---- periods ------------------------------------------------------------------------------
  async setPeriod(year: number, periodText: string, opensAt: Date, closesAt: Date, actor: string) {
    const period = assertPeriod(periodText);
    if (!(opensAt < closesAt))
      throw new DomainError('VALIDATION_FAILED', '截止时间应晚于开始时间', { field: 'closesAt' });
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(ReportPeriodEntity);
      const existing = await repo.findOneBy({ year, period });
      const row = existing ?? repo.create({ year, period });
      const old = existing ? `${existing.opensAt.toISOString()} – ${existing.closesAt.toISOString()}` : null;
      Object.assign(row, { opensAt, closesAt });
      const saved = await repo.save(row);
      await audit(em, 'report_period', saved.id, existing ? 'update' : 'create', actor, [
        ['填报时间', old, `${opensAt.toISOString()} – ${closesAt.toISOString()}`],
      ]);
      return saved;
    });
  }

  listPeriods() {
    return this.ds.getRepository(ReportPeriodEntity).find({ order: { year: 'DESC', period: 'ASC' } });
  }

  async reopen(unitCode: string, year: number, periodText: string, reason: string, until: Date, actor: string) {
    const period = assertPeriod(periodText);
    if (!reason?.trim()) throw new DomainError('VALIDATION_FAILED', '重新开放须填写原因', { field: 'reason' });
    return this.ds.transaction(async (em) => {
      const unit = await em.getRepository(UnitEntity).findOneBy({ code: unitCode });
      if (!unit) throw new DomainError('NOT_FOUND', `找不到单位“${unitCode}”`, { field: 'unitCode' });
      const repo = em.getRepository(PeriodReopenEntity);
      const row = await repo.save(
        repo.create({ unitId: unit.id, year, period, reason: reason.trim(), until, createdBy: actor }),
      );
      await audit(
        em,
        'period_reopen',
        row.id,
        'reopen',
        actor,
        [[`${year} ${period}`, null, `开放至 ${until.toISOString()}`]],
        reason.trim(),
      );
      return row;
    });
  }

  private async assertOpen(em: EntityManager, unitId: string, year: number, period: Period) {
    const p = await em.getRepository(ReportPeriodEntity).findOneBy({ year, period });
    const now = this.now();
    if (!p)
      throw new DomainError('PERIOD_CLOSED', `${year} 年${PERIOD_NAME[period]}尚未设置填报时间`, { field: 'period' });
    if (now >= p.opensAt && now <= p.closesAt) return;
    const reopened = await em
      .getRepository(PeriodReopenEntity)
      .createQueryBuilder('r')
      .where('r.unit_id = :unitId AND r.year = :year AND r.period = :period AND r.until >= :now', {
        unitId,
        year,
        period,
        now,
      })
      .getCount();
    if (reopened) return;
    throw new DomainError(
      'PERIOD_CLOSED',
      now < p.opensAt
        ? `${year} 年${PERIOD_NAME[period]}填报尚未开始`
        : `${year} 年${PERIOD_NAME[period]}填报已于 ${p.closesAt.toISOString().slice(0, 10)} 截止，如需补报请联系管理员重新开放`,
      { field: 'period' },
    );
  }

  // ---- reports ------------------------------------------------------------------------------
  private async loadSheet(em: EntityManager, sheetId: string) {
    const sheet = await em.getRepository(TargetSheetEntity).findOneBy({ id: sheetId });
    if (!sheet) throw new DomainError('NOT_FOUND', `找不到绩效目标表 ${sheetId}`, { field: 'sheetId' });
    if (sheet.status !== 'approved') {
      throw new DomainError(
        'WORKFLOW_STATE',
        `“${sheet.name}”第 ${sheet.version} 版尚未批复（或已被新版本取代），不能填报`,
        { sheet: sheet.name },
      );
    }
    const indicators = await em.getRepository(IndicatorEntity).find({ where: { sheetId }, order: { position: 'ASC' } });
    return { sheet, indicators };
  }

  async getReport(sheetId: string, periodText: string) {
    const period = assertPeriod(periodText);
    const report = await this.ds.getRepository(QuarterReportEntity).findOneBy({ sheetId, period });
    if (!report) return null;
    const [spending, adjustments, values, monitoring] = await Promise.all([
      this.ds.getRepository(ReportSpendingEntity).findBy({ reportId: report.id }),
      this.ds.getRepository(BudgetAdjustmentEntity).findBy({ reportId: report.id }),
      this.ds.getRepository(IndicatorValueEntity).findBy({ reportId: report.id }),
      this.ds.getRepository(MonitoringResultEntity).findOneBy({ reportId: report.id }),
    ]);
    return { ...report, spending, adjustments, values, monitoring };
  }

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
    const period = assertPeriod(periodText);
    const report = await this.ds.getRepository(QuarterReportEntity).findOneBy({ sheetId, period });
    if (!report) return null;
    return this.ds
      .getRepository(ReportFileEntity)
      .findOne({ where: { quarterReportId: report.id, kind: 'monitoring-table' }, order: { dataVersion: 'DESC' } });
  }

  /** Saves the whole report (replacing the previous draft) in one transaction, or nothing. */
  async saveDraft(sheetId: string, periodText: string, input: QuarterReportInput, actor: string) {
    const period = assertPeriod(periodText);
    return this.ds.transaction(async (em) => {
      const { sheet, indicators } = await this.loadSheet(em, sheetId);
      await this.assertOpen(em, sheet.unitId, sheet.year, period);
      const repo = em.getRepository(QuarterReportEntity);
      const existing = await repo.findOneBy({ sheetId, period });
      if (existing && !['draft', 'returned'].includes(existing.status)) {
        throw new DomainError(
          'WORKFLOW_STATE',
          `${PERIOD_NAME[period]}报告${STATUS_NAME[existing.status]}，需退回后才能修改`,
          { field: 'status' },
        );
      }
      const previous = await this.previousValues(em, sheetId, period);
      const checked = validateQuarterReport(
        input,
        {
          budgetTotal: sheet.budgetTotal ?? '0',
          indicators: indicators.map((i) => ({ id: i.id, name: i.name, target: indicatorTarget(i) })),
        },
        previous,
      );
      if (checked.errors.length) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `填报内容有 ${checked.errors.length} 处错误，未保存：${checked.errors[0].message}`,
          { field: checked.errors[0].field },
          checked.errors,
        );
      }
      const oldValues = existing ? await em.getRepository(IndicatorValueEntity).findBy({ reportId: existing.id }) : [];
      const report =
        existing ?? repo.create({ sheetId, unitId: sheet.unitId, year: sheet.year, period, dataVersion: 0 });
      const changes: [string, string | null, string | null][] = [];
      if (report.spentTotal !== checked.spentTotal)
        changes.push(['累计执行数', report.spentTotal ?? null, checked.spentTotal]);
      Object.assign(report, {
        status: existing?.status === 'returned' ? 'returned' : 'draft',
        spentTotal: checked.spentTotal,
        adjustedBudget: checked.adjustedBudget,
        overspendExplanation: input.overspendExplanation?.trim() || null,
        dataVersion: report.dataVersion + 1,
      });
      const saved = await repo.save(report);
      await em.getRepository(ReportSpendingEntity).delete({ reportId: saved.id });
      await em.getRepository(BudgetAdjustmentEntity).delete({ reportId: saved.id });
      await em.getRepository(IndicatorValueEntity).delete({ reportId: saved.id });
      await bulkInsert(
        em,
        ReportSpendingEntity,
        input.spending.map((s) => ({ reportId: saved.id, source: s.source, amount: new D(s.amount.trim()).toFixed() })),
      );
      await bulkInsert(
        em,
        BudgetAdjustmentEntity,
        (input.adjustments ?? []).map((a) => ({
          reportId: saved.id,
          amount: new D(a.amount.trim()).toFixed(),
          reason: a.reason.trim(),
        })),
      );
      await bulkInsert(
        em,
        IndicatorValueEntity,
        checked.values.map((v) => ({ reportId: saved.id, ...v })),
      );
      const names = new Map(indicators.map((i) => [i.id, i.name]));
      for (const v of checked.values) {
        const before = oldValues.find((o) => o.indicatorId === v.indicatorId);
        const oldText = before ? (before.valueRaw ?? before.grade) : null;
        const newText = v.valueRaw ?? v.grade;
        if (oldText !== newText) changes.push([`指标“${names.get(v.indicatorId)}”`, oldText, newText]);
      }
      await audit(em, 'quarter_report', saved.id, existing ? 'update' : 'create', actor, changes);
      return { report: saved, warnings: checked.warnings };
    });
  }

  async submit(sheetId: string, periodText: string, actor: string) {
    const period = assertPeriod(periodText);
    const report = await this.ds.transaction(async (em) => {
      const { sheet } = await this.loadSheet(em, sheetId);
      await this.assertOpen(em, sheet.unitId, sheet.year, period);
      const report = await this.transition(em, sheetId, period, ['draft', 'returned'], 'submitted', actor, 'submit');
      report.submittedBy = actor;
      report.submittedAt = this.now();
      return em.getRepository(QuarterReportEntity).save(report);
    });
    // After the commit: Redis and the database do not commit together; the job is idempotent by version.
    await this.enqueueMonitoring(report.id, report.dataVersion);
    return report;
  }

  async confirm(sheetId: string, periodText: string, actor: string) {
    const period = assertPeriod(periodText);
    return this.ds.transaction(async (em) => {
      const report = await this.transition(em, sheetId, period, ['submitted'], 'confirmed', actor, 'confirm');
      report.confirmedBy = actor;
      report.confirmedAt = this.now();
      return em.getRepository(QuarterReportEntity).save(report);
    });
  }

  async returnReport(sheetId: string, periodText: string, reason: string, actor: string) {
    const period = assertPeriod(periodText);
    if (!reason?.trim()) throw new DomainError('VALIDATION_FAILED', '退回须填写原因', { field: 'reason' });
    return this.ds.transaction(async (em) => {
      const report = await this.transition(
        em,
        sheetId,
        period,
        ['submitted', 'confirmed'],
        'returned',
        actor,
        'return',
        reason.trim(),
      );
      report.returnReason = reason.trim();
      return em.getRepository(QuarterReportEntity).save(report);
    });
  }

  private async transition(
    em: EntityManager,
    sheetId: string,
    period: Period,
    from: ReportStatus[],
    to: ReportStatus,
    actor: string,
    action: string,
    reason?: string,
  ) {
    const repo = em.getRepository(QuarterReportEntity);
    const report = await repo.findOneBy({ sheetId, period });
    if (!report) throw new DomainError('NOT_FOUND', `${PERIOD_NAME[period]}还没有填报内容`, { field: 'period' });
    if (!from.includes(report.status)) {
      throw new DomainError(
        'WORKFLOW_STATE',
        `${PERIOD_NAME[period]}报告当前为“${STATUS_NAME[report.status]}”，不能${ACTION_NAME[action]}`,
        { field: 'status' },
      );
    }
    await audit(
      em,
      'quarter_report',
      report.id,
      action,
      actor,
      [['状态', STATUS_NAME[report.status], STATUS_NAME[to]]],
      reason,
    );
    report.status = to;
    return report;
  }

  private async previousValues(
    em: EntityManager,
    sheetId: string,
    period: Period,
  ): Promise<Map<string, string | null>> {
    const idx = PERIODS.indexOf(period);
    if (idx === 0) return new Map();
    const prev = await em.getRepository(QuarterReportEntity).findOneBy({ sheetId, period: PERIODS[idx - 1] });
    if (!prev) return new Map();
    const values = await em.getRepository(IndicatorValueEntity).findBy({ reportId: prev.id });
    return new Map(values.map((v) => [v.indicatorId, v.valueNum]));
  }

  // ---- Excel round trip ---------------------------------------------------------------------
  async fillInWorkbook(sheetId: string, periodText: string): Promise<{ bytes: Buffer; fileName: string }> {
    const period = assertPeriod(periodText);
    const { sheet, indicators } = await this.loadSheet(this.ds.manager, sheetId);
    const unit = await this.ds.getRepository(UnitEntity).findOneByOrFail({ id: sheet.unitId });
    const current = await this.getReport(sheetId, period);
    const bytes = await buildFillInWorkbook(
      {
        sheetId,
        unitName: unit.name,
        sheetName: sheet.name,
        year: sheet.year,
        period,
        budgetTotal: sheet.budgetTotal ?? '',
        indicators: indicators.map((i) => ({
          id: i.id,
          level1: i.level1,
          level2: i.level2,
          name: i.name,
          target: indicatorTarget(i),
        })),
      },
      current
        ? {
            spending: current.spending.map((x) => ({ source: x.source, amount: x.amount })),
            adjustments: current.adjustments.map((a) => ({ amount: a.amount, reason: a.reason })),
            overspendExplanation: current.overspendExplanation,
            values: new Map(
              current.values.map((v) => [
                v.indicatorId,
                {
                  value: v.valueRaw,
                  grade: v.grade,
                  likelihood: v.likelihood,
                  causeCategory: v.causeCategory,
                  causeText: v.causeText,
                },
              ]),
            ),
          }
        : undefined,
    );
    return { bytes, fileName: `${unit.name}-${sheet.name}-${sheet.year}${period}.xlsx` };
  }

  /** Upload of the fill-in workbook: all-or-nothing, errors name their cells. */
  async uploadWorkbook(sheetId: string, periodText: string, bytes: Uint8Array, file: string, actor: string) {
    const period = assertPeriod(periodText);
    const read = await readFillInWorkbook(bytes, file);
    if (read.sheetId !== sheetId || read.period !== period) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `文件“${file}”是另一张目标表或另一个报告期的填报表，请下载本表的填报文件`,
        { file },
      );
    }
    try {
      return await this.saveDraft(sheetId, period, read.input, actor);
    } catch (e) {
      throw e instanceof DomainError ? withCells(e, read.cellOf, file) : e;
    }
  }

  // ---- evidence -----------------------------------------------------------------------------
  /** Adds a 佐证材料 to an editable report; its type is sniffed from the bytes. */
  async addEvidence(
    sheetId: string,
    periodText: string,
    bytes: Uint8Array,
    name: string,
    indicatorId: string | null,
    actor: string,
  ) {
    const period = assertPeriod(periodText);
    if (!this.evidence) throw new Error('evidence store not configured');
    const type = checkEvidence(bytes, name);
    return this.ds.transaction(async (em) => {
      const report = await em.getRepository(QuarterReportEntity).findOneBy({ sheetId, period });
      if (!report)
        throw new DomainError('NOT_FOUND', `${PERIOD_NAME[period]}还没有填报内容，请先保存草稿再上传佐证材料`, {
          field: 'period',
        });
      if (!['draft', 'returned'].includes(report.status)) {
        throw new DomainError(
          'WORKFLOW_STATE',
          `${PERIOD_NAME[period]}报告${STATUS_NAME[report.status]}，需退回后才能添加佐证材料`,
          { field: 'status' },
        );
      }
      if (indicatorId && !(await em.getRepository(IndicatorEntity).countBy({ id: indicatorId, sheetId }))) {
        throw new DomainError('VALIDATION_FAILED', `指标 ${indicatorId} 不属于这张绩效目标表`, {
          field: 'indicatorId',
        });
      }
      const sha256 = this.evidence!.put(bytes);
      const repo = em.getRepository(EvidenceFileEntity);
      const row = await repo.save(
        repo.create({
          reportId: report.id,
          indicatorId,
          sha256,
          fileName: evidenceFileName(name, type),
          mime: type.mime,
          size: bytes.length,
          uploadedBy: actor,
        }),
      );
      await audit(em, 'quarter_report', report.id, 'evidence', actor, [
        ['佐证材料', null, `${row.fileName}（${sha256.slice(0, 12)}）`],
      ]);
      return row;
    });
  }

  async listEvidence(sheetId: string, periodText: string) {
    const period = assertPeriod(periodText);
    const report = await this.ds.getRepository(QuarterReportEntity).findOneBy({ sheetId, period });
    return report
      ? this.ds.getRepository(EvidenceFileEntity).find({ where: { reportId: report.id }, order: { createdAt: 'ASC' } })
      : [];
  }

  async readEvidence(evidenceId: string): Promise<{ row: EvidenceFileEntity; bytes: Buffer }> {
    const row = await this.ds.getRepository(EvidenceFileEntity).findOneBy({ id: evidenceId });
    if (!row || !this.evidence)
      throw new DomainError('NOT_FOUND', `找不到佐证材料 ${evidenceId}`, { field: 'evidenceId' });
    return { row, bytes: this.evidence.read(row.sha256) };
  }

  async auditTrail(entityId: string) {
    return this.ds.getRepository(AuditLogEntity).find({ where: { entityId }, order: { createdAt: 'ASC' } });
  }

  // ---- monitoring ---------------------------------------------------------------------------
  /** The job's work: lights for one report at one data version; a stale version is skipped. */
  async computeMonitoring(reportId: string, dataVersion: number): Promise<'done' | 'skipped'> {
    return this.ds.transaction(async (em) => {
      const report = await em.getRepository(QuarterReportEntity).findOneBy({ id: reportId });
      if (!report || report.dataVersion !== dataVersion) return 'skipped';
      const sheet = await em.getRepository(TargetSheetEntity).findOneByOrFail({ id: report.sheetId });
      const indicators = await em
        .getRepository(IndicatorEntity)
        .find({ where: { sheetId: sheet.id }, order: { position: 'ASC' } });
      const values = new Map(
        (await em.getRepository(IndicatorValueEntity).findBy({ reportId })).map((v) => [v.indicatorId, v]),
      );
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

  /**
   * Units to remind: a period closes within `days`, the unit has an approved sheet of that year
   * without a submitted or confirmed report, and a contact address.
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
      email: string;
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
        .andWhere('u.contact_email IS NOT NULL')
        // a total order: projects without a code would otherwise come in any order
        .orderBy('u.code')
        .addOrderBy('s.kind')
        .addOrderBy('s.project_code')
        .addOrderBy('s.name')
        .addOrderBy('s.id')
        .getRawMany<{ unitId: string; unitName: string; email: string; sheetName: string; kind: string }>();
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
        entry.sheets.push(r.kind === 'department' ? '部门整体支出绩效目标表' : r.sheetName);
        byUnit.set(r.unitId, entry);
      }
      out.push(...byUnit.values());
    }
    return out;
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
        dataVersion: number | null;
      }>();
    const reported = (s: string | null) => s === 'submitted' || s === 'confirmed';
    const notReported = [...new Set(rows.filter((r) => !reported(r.status)).map((r) => `${r.unitCode} ${r.unitName}`))];
    return {
      year,
      period,
      rows: rows.map((r) => ({
        ...r,
        status: r.status ?? 'none',
        // lights computed from an older version are shown as pending, not as current
        lightsCurrent: r.lightsVersion !== null && Number(r.lightsVersion) === Number(r.dataVersion),
      })),
      notReported,
    };
  }
}

const STATUS_NAME: Record<ReportStatus, string> = {
  draft: '草稿',
  submitted: '已提交',
  confirmed: '已确认',
  returned: '已退回',
};
const ACTION_NAME: Record<string, string> = { submit: '提交', confirm: '确认', return: '退回' };

async function audit(
  em: EntityManager,
  entity: string,
  entityId: string,
  action: string,
  actor: string,
  changes: [string, string | null, string | null][],
  reason?: string,
) {
  const rows = (changes.length ? changes : [[null, null, null] as [null, null, null]]).map(
    ([field, oldValue, newValue]) => ({
      entity,
      entityId,
      action,
      field,
      oldValue,
      newValue,
      actor,
      reason: reason ?? null,
    }),
  );
  await bulkInsert(em, AuditLogEntity, rows);
}

/** One multi-row INSERT (ids made here) instead of one statement per entity. */
async function bulkInsert<T extends { id: string }>(
  em: EntityManager,
  entity: new () => T,
  rows: Omit<Partial<T>, 'id'>[],
): Promise<void> {
  if (!rows.length) return;
  await em
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(rows.map((r) => ({ id: randomUUID(), ...r })) as never)
    .updateEntity(false)
    .execute();
}
