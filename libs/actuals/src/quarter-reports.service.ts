import { DataSource, EntityManager } from 'typeorm';
import {
  assertScoreInputsOpen,
  AuditChange,
  Clock,
  ensureQuarterReport,
  findQuarterReport,
  indicatorValues,
  QuarterReportEntity,
  quarterReportWithData,
  replaceReportData,
  ReportStatus,
  sheetWithIndicators,
  STALE_VERSION,
  transition,
  UnitEntity,
} from '@selfeval/db';
import { MonitoringEnqueuer } from '@selfeval/jobs';
import {
  D,
  DomainError,
  mergeReportInput,
  missingForSubmission,
  Period,
  PERIOD_NAME,
  PERIODS,
  QuarterReportInput,
  validateQuarterReport,
} from '@selfeval/domain';
import { indicatorTarget } from '@selfeval/targets';
import { QuarterReportResponse, toQuarterReportResponse } from './quarter-report.mapper';
import { buildFillInWorkbook, readFillInWorkbook, withCells } from './fill-in-workbook';
import { assertPeriod, PeriodsService } from './periods.service';
import { EDITABLE, REPORT_CONFLICT, REPORT_STATUS_NAME } from './report-status';

const ACTION_NAME = { submit: '提交', confirm: '确认', return: '退回' } as const;

/**
 * Quarterly reporting (domain.md §1, §5): draft → submitted (填报人) → confirmed (单位负责人), or
 * returned with a reason. Submitted data changes only through a return. Every write is one
 * conditional UPDATE through `transition()`, audited in the same transaction.
 */
export class QuarterReportsService {
  constructor(
    private readonly ds: DataSource,
    private readonly periods: PeriodsService,
    private readonly enqueueMonitoring: MonitoringEnqueuer,
    private readonly now: Clock,
  ) {}

  /** The sheet must be the approved version: reports belong to what was approved. */
  private async approvedSheet(em: EntityManager, sheetId: string) {
    const found = await sheetWithIndicators(em, sheetId);
    const { sheet } = found;
    if (sheet.status !== 'approved') {
      throw new DomainError(
        'WORKFLOW_STATE',
        `“${sheet.name}”第 ${sheet.version} 版尚未批复（或已被新版本取代），不能填报`,
        { sheet: sheet.name },
      );
    }
    return found;
  }

  async getReport(sheetId: string, periodText: string): Promise<QuarterReportResponse | null> {
    const found = await quarterReportWithData(this.ds, sheetId, assertPeriod(periodText));
    if (!found) return null;
    const { report, ...data } = found;
    return toQuarterReportResponse(report, data);
  }

  /**
   * Saves the report in one transaction, or nothing. Fields the input leaves out keep their stored
   * values (mergeReportInput): a page or client that does not show a field never clears it.
   * `expectedVersion` is the data version the user read (0 before the first save): a save on top of
   * someone else's is refused with STALE_VERSION instead of overwriting it.
   */
  async saveDraft(
    sheetId: string,
    periodText: string,
    input: QuarterReportInput,
    actor: string,
    expectedVersion?: number,
  ) {
    const period = assertPeriod(periodText);
    return this.ds.transaction((em) => this.save(em, sheetId, period, input, actor, expectedVersion));
  }

  /**
   * The quarterly form's 提交: saves what was typed and submits it in one transaction, or neither; a report
   * that is not complete (missingForSubmission) is refused with every missing field named.
   */
  async saveAndSubmit(
    sheetId: string,
    periodText: string,
    input: QuarterReportInput,
    actor: string,
    expectedVersion?: number,
  ) {
    const period = assertPeriod(periodText);
    const outcome = await this.ds.transaction(async (em) => {
      const saved = await this.save(em, sheetId, period, input, actor, expectedVersion);
      return { ...saved, report: await this.submitIn(em, sheetId, period, actor, saved.merged) };
    });
    await this.enqueueMonitoring(outcome.report.id, outcome.report.dataVersion);
    return { report: outcome.report, warnings: outcome.warnings };
  }

  private async save(
    em: EntityManager,
    sheetId: string,
    period: Period,
    input: QuarterReportInput,
    actor: string,
    expectedVersion?: number,
  ) {
    const { sheet, indicators } = await this.approvedSheet(em, sheetId);
    await this.periods.assertOpen(em, sheet.unitId, sheet.year, period);
    await assertScoreInputsOpen(em, sheetId, `修改${PERIOD_NAME[period]}报告`);
    const found = await quarterReportWithData(em, sheetId, period);
    if (found) assertEditable(found.report, period, '修改');
    if (expectedVersion !== undefined && (found?.report.dataVersion ?? 0) !== expectedVersion)
      throw new DomainError('CONFLICT', STALE_VERSION, { field: 'version' });
    const merged = mergeReportInput(
      input,
      found && found.report.dataVersion > 0
        ? {
            spending: found.spending,
            adjustments: found.adjustments,
            overspendExplanation: found.report.overspendExplanation,
            values: found.values,
          }
        : null,
    );
    const checked = validateQuarterReport(
      merged,
      {
        budgetTotal: sheet.budgetTotal ?? '0',
        indicators: indicators.map((i) => ({ id: i.id, name: i.name, target: indicatorTarget(i) })),
      },
      await this.previousValues(em, sheetId, period),
    );
    if (checked.errors.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `填报内容有 ${checked.errors.length} 处错误，未保存：${checked.errors[0].message}`,
        { field: checked.errors[0].field },
        checked.errors,
      );
    }
    const report =
      found?.report ?? (await ensureQuarterReport(em, { sheetId, unitId: sheet.unitId, year: sheet.year, period }));
    // a row at version 0 is the empty one just made (here or by a concurrent first save)
    const created = report.dataVersion === 0;
    const oldValues = created ? [] : await indicatorValues(em, report.id);
    const changes: AuditChange[] = [];
    if (created || report.spentTotal !== checked.spentTotal)
      changes.push(['累计执行数', created ? null : report.spentTotal, checked.spentTotal]);
    if (!created && report.adjustedBudget !== checked.adjustedBudget)
      changes.push(['调整后预算数', report.adjustedBudget, checked.adjustedBudget]);
    const explanation = merged.overspendExplanation?.trim() || null;
    if (!created && (report.overspendExplanation ?? null) !== explanation)
      changes.push(['超预算说明', report.overspendExplanation, explanation]);
    const names = new Map(indicators.map((i) => [i.id, i.name]));
    const before = new Map(oldValues.map((o) => [o.indicatorId, o.valueRaw ?? o.grade]));
    for (const v of checked.values) {
      const oldText = before.get(v.indicatorId) ?? null;
      const newText = v.valueRaw ?? v.grade;
      if (oldText !== newText) changes.push([`指标“${names.get(v.indicatorId)}”`, oldText, newText]);
    }
    await transition(em, {
      entity: QuarterReportEntity,
      id: report.id,
      from: EDITABLE,
      set: {
        spentTotal: checked.spentTotal,
        adjustedBudget: checked.adjustedBudget,
        overspendExplanation: explanation,
      },
      version: 'dataVersion',
      bump: true,
      expectedVersion: expectedVersion ?? report.dataVersion,
      conflict: expectedVersion === undefined ? REPORT_CONFLICT : STALE_VERSION,
      audit: { action: created ? 'create' : 'update', actor, changes },
    });
    await replaceReportData(em, report.id, {
      spending: (merged.spending ?? []).map((s) => ({ source: s.source, amount: new D(s.amount.trim()).toFixed() })),
      adjustments: (merged.adjustments ?? []).map((a) => ({
        amount: new D(a.amount.trim()).toFixed(),
        reason: a.reason.trim(),
      })),
      values: checked.values,
    });
    const saved = await em.getRepository(QuarterReportEntity).findOneByOrFail({ id: report.id });
    return {
      report: saved,
      warnings: checked.warnings,
      merged: { spending: merged.spending ?? [], values: checked.values },
    };
  }

  async submit(sheetId: string, periodText: string, actor: string) {
    const period = assertPeriod(periodText);
    const report = await this.ds.transaction((em) => this.submitIn(em, sheetId, period, actor));
    // After the commit: Redis and the database do not commit together; the job is idempotent by version.
    await this.enqueueMonitoring(report.id, report.dataVersion);
    return report;
  }

  /**
   * draft/returned → submitted, refused while the report is incomplete. `reported` is what was just saved
   * (fields name its rows); without it the stored report is checked, its rows in the sheet's order.
   */
  private async submitIn(
    em: EntityManager,
    sheetId: string,
    period: Period,
    actor: string,
    reported?: {
      spending: { amount: string }[];
      values: { indicatorId: string; valueRaw: string | null; grade: string | null }[];
    },
  ) {
    const { sheet, indicators } = await this.approvedSheet(em, sheetId);
    await this.periods.assertOpen(em, sheet.unitId, sheet.year, period);
    // the year-end report's submission rescores the evaluation: refused up front, not after this commit
    if (period === 'Q4') await assertScoreInputsOpen(em, sheetId, `提交${PERIOD_NAME[period]}报告`);
    const found = await quarterReportWithData(em, sheetId, period);
    if (found && EDITABLE.includes(found.report.status)) {
      const stored = new Map(found.values.map((v) => [v.indicatorId, v]));
      const data = reported ?? {
        spending: found.spending,
        values: indicators.flatMap((i) => stored.get(i.id) ?? []),
      };
      const missing = missingForSubmission(
        data,
        indicators.map((i) => ({ id: i.id, name: i.name, target: indicatorTarget(i) })),
      );
      if (missing.length)
        throw new DomainError(
          'VALIDATION_FAILED',
          `还有 ${missing.length} 项未填写，不能提交（可先保存草稿）：${missing[0].message}${missing.length > 1 ? ' 等' : ''}`,
          { field: missing[0].field },
          missing,
        );
    }
    return this.move(em, sheetId, period, EDITABLE, 'submitted', 'submit', actor, {
      submittedBy: actor,
      submittedAt: this.now(),
    });
  }

  async confirm(sheetId: string, periodText: string, actor: string) {
    const period = assertPeriod(periodText);
    return this.ds.transaction((em) =>
      this.move(em, sheetId, period, ['submitted'], 'confirmed', 'confirm', actor, {
        confirmedBy: actor,
        confirmedAt: this.now(),
      }),
    );
  }

  async returnReport(sheetId: string, periodText: string, reason: string, actor: string) {
    const period = assertPeriod(periodText);
    const why = reason?.trim();
    if (!why) throw new DomainError('VALIDATION_FAILED', '退回须填写原因', { field: 'reason' });
    return this.ds.transaction(async (em) => {
      // a return reopens the data for editing: not while the self-evaluation built on it is submitted or approved
      await assertScoreInputsOpen(em, sheetId, `退回${PERIOD_NAME[period]}报告`);
      return this.move(
        em,
        sheetId,
        period,
        ['submitted', 'confirmed'],
        'returned',
        'return',
        actor,
        { returnReason: why },
        why,
      );
    });
  }

  /** A state change: a clear message for a report already elsewhere, the conditional write for a race. */
  private async move(
    em: EntityManager,
    sheetId: string,
    period: Period,
    from: readonly ReportStatus[],
    to: ReportStatus,
    action: keyof typeof ACTION_NAME,
    actor: string,
    set: Partial<QuarterReportEntity>,
    reason?: string,
  ) {
    const report = await findQuarterReport(em, sheetId, period);
    if (!report) throw new DomainError('NOT_FOUND', `${PERIOD_NAME[period]}还没有填报内容`, { field: 'period' });
    if (!from.includes(report.status)) {
      throw new DomainError(
        'WORKFLOW_STATE',
        `${PERIOD_NAME[period]}报告当前为“${REPORT_STATUS_NAME[report.status]}”，不能${ACTION_NAME[action]}`,
        { field: 'status' },
      );
    }
    await transition(em, {
      entity: QuarterReportEntity,
      id: report.id,
      from,
      to,
      set,
      conflict: REPORT_CONFLICT,
      audit: {
        action,
        actor,
        changes: [['状态', REPORT_STATUS_NAME[report.status], REPORT_STATUS_NAME[to]]],
        reason,
      },
    });
    return em.getRepository(QuarterReportEntity).findOneByOrFail({ id: report.id });
  }

  private async previousValues(em: EntityManager, sheetId: string, period: Period) {
    const idx = PERIODS.indexOf(period);
    const prev = idx > 0 ? await findQuarterReport(em, sheetId, PERIODS[idx - 1]) : null;
    if (!prev) return new Map<string, string | null>();
    return new Map((await indicatorValues(em, prev.id)).map((v) => [v.indicatorId, v.valueNum]));
  }

  // ---- Excel round trip ---------------------------------------------------------------------
  async fillInWorkbook(sheetId: string, periodText: string): Promise<{ bytes: Buffer; fileName: string }> {
    const period = assertPeriod(periodText);
    const { sheet, indicators } = await this.approvedSheet(this.ds.manager, sheetId);
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
        dataVersion: current?.dataVersion ?? 0,
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
      return await this.saveDraft(sheetId, period, read.input, actor, read.dataVersion);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'CONFLICT' && e.where.field === 'version')
        throw new DomainError(
          'CONFLICT',
          `已被他人修改：文件“${file}”下载后该报告又保存过，请重新下载填报表，对照后再上传`,
          { file, field: 'version' },
        );
      throw e instanceof DomainError ? withCells(e, read.cellOf, file) : e;
    }
  }
}

/** Submitted or confirmed data changes only through a return. */
export function assertEditable(report: QuarterReportEntity, period: Period, what: string) {
  if (!EDITABLE.includes(report.status))
    throw new DomainError(
      'WORKFLOW_STATE',
      `${PERIOD_NAME[period]}报告${REPORT_STATUS_NAME[report.status]}，需退回后才能${what}`,
      { field: 'status' },
    );
}
