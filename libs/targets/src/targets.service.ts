import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  BudgetChange,
  diffHeader,
  diffIndicators,
  DomainError,
  ImportResult,
  IndicatorRow,
  parseTarget,
  Period,
  PERIOD_NAME,
  PERIODS,
  STATUS_NAME,
  TargetSheet,
  VersionDiff,
} from '@selfeval/domain';
import {
  assertScoreInputsOpen,
  audit,
  AuditChange,
  auditTrail,
  bulkInsert,
  Clock,
  EvidenceFileEntity,
  findEvaluation,
  findSheet,
  IndicatorEntity,
  IndicatorScoreEntity,
  IndicatorValueEntity,
  indicatorValues,
  MonitoringResultEntity,
  QuarterReportEntity,
  SelfEvaluationEntity,
  sheetIndicators,
  SheetStatus,
  TargetSheetEntity,
  transition,
  UnitEntity,
} from '@selfeval/db';
import type { MonitoringEnqueuer, ScoreEnqueuer } from '@selfeval/jobs';
import { toInterchange } from './sheet.mapper';

export interface ImportSource {
  name: string;
  hash?: string;
}

export interface StoredSheetSummary {
  id: string;
  unit: string;
  year: number;
  kind: string;
  name: string;
  version: number;
  status: SheetStatus;
  outcome: 'created' | 'new-version' | 'unchanged';
  indicators: number;
}

/** Jobs to queue after a 目标调整 moved reported data onto the new version (lights and scores against the new targets). */
export interface TargetJobs {
  monitoring: MonitoringEnqueuer;
  scoring: ScoreEnqueuer;
}

/** One quarter report of the approved version, as a 目标调整 would carry it over. */
export interface CarriedReport {
  period: Period;
  periodName: string;
  status: string;
  /** values moved to the matching indicator of the new version */
  carried: number;
  /** values not carried: indicator, value as reported, why */
  dropped: { indicator: string; value: string; reason: string }[];
}

/** What the approval page shows before the administrator approves a draft version. */
export interface VersionReview {
  sheet: TargetSheetEntity & { unit?: UnitEntity; indicators: IndicatorEntity[] };
  /** the approved version the draft would replace (目标调整), if any */
  current: (TargetSheetEntity & { indicators: IndicatorEntity[] }) | null;
  history: TargetSheetEntity[];
  header: BudgetChange[];
  diff: VersionDiff | null;
  reports: CarriedReport[];
  /** the self-evaluation of the approved version, moved with it (its per-indicator entries as the values) */
  evaluation: { status: string; carried: number; dropped: string[] } | null;
  /** fingerprint of the reports and values above: approval with it is refused once they changed */
  plan: string;
  /** the reason given when the version was rejected */
  rejectReason: string | null;
}

/** Reports and evaluation moved by a 目标调整, at their new data version. */
interface Moved {
  reports: { id: string; dataVersion: number }[];
  evaluation: { id: string; dataVersion: number } | null;
}

/** Key that identifies one sheet across its versions. */
export function sheetKey(sheet: TargetSheet): string {
  return sheet.kind === 'department' ? 'department' : `project:${sheet.project?.code || sheet.project?.name}`;
}

/** Hash of what was approved (not of the warnings), so re-importing the same table is recognised. */
export function sheetContentHash(sheet: TargetSheet): string {
  const { warnings: _w, ...content } = sheet;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** A sheet version still awaiting its decision; SHEET_LOCKED, naming its status, when it is no draft to `decide`. */
async function findDraftSheet(em: EntityManager, sheetId: string, decide: '批复' | '驳回') {
  const sheet = await findSheet(em, sheetId);
  if (sheet.status !== 'draft')
    throw new DomainError(
      'SHEET_LOCKED',
      `“${sheet.name}”第 ${sheet.version} 版当前状态为“${STATUS_NAME[sheet.status]}”，不能${decide}`,
      { sheet: sheet.name },
    );
  return sheet;
}

/** JSON with object keys sorted, so the same content hashes the same whichever reader built it. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Holds the approved 绩效目标表. Imports are all-or-nothing: every sheet of a file is validated
 * first, then written in one transaction.
 */
export class TargetsService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: Clock,
    /** absent in the CLI import: approval there carries data over without queueing lights or scores */
    private readonly jobs?: TargetJobs,
  ) {}

  validate(result: ImportResult, file: string): void {
    if (!result.sheets.length) {
      throw new DomainError(
        'NO_SHEETS_FOUND',
        `文件“${file}”中没有找到绩效目标表（应含“一级指标/二级指标/三级指标”表头或部门整体绩效目标）`,
        { file },
      );
    }
    for (const s of result.sheets) {
      const name = s.project?.name || `${s.unit.name}部门整体`;
      if (s.year === null)
        throw new DomainError('SHEET_INVALID', `“${name}”没有预算年度，无法保存`, { file, sheet: name, field: 'year' });
      if (!s.unit.name)
        throw new DomainError('SHEET_INVALID', `“${name}”没有预算单位名称，无法保存`, {
          file,
          sheet: name,
          field: 'unit',
        });
      if (s.kind === 'project' && !s.project?.name) {
        throw new DomainError('SHEET_INVALID', `文件“${file}”中有一张项目表缺少项目名称`, {
          file,
          field: 'project.name',
        });
      }
    }
  }

  async importResult(result: ImportResult, source: ImportSource): Promise<StoredSheetSummary[]> {
    this.validate(result, source.name);
    return this.ds.transaction(async (em) => {
      const out: StoredSheetSummary[] = [];
      for (const sheet of result.sheets) out.push(await this.storeSheet(em, sheet, source));
      return out;
    });
  }

  private async storeSheet(em: EntityManager, sheet: TargetSheet, source: ImportSource): Promise<StoredSheetSummary> {
    // validate() refused sheets without a year
    const year = sheet.year ?? 0;
    const unit = await this.upsertUnit(em, sheet);
    const key = sheetKey(sheet);
    const hash = sheetContentHash(sheet);
    const versions = await em
      .getRepository(TargetSheetEntity)
      .createQueryBuilder('s')
      .where('s.unit_id = :unitId AND s.year = :year AND s.sheet_key = :key', {
        unitId: unit.id,
        year,
        key,
      })
      .orderBy('s.version', 'DESC')
      .getMany();
    const latest = versions[0];
    // a rejected version is not what the file is compared with: importing it again asks for approval again
    const compared = versions.find((v) => v.status !== 'rejected');
    const name = sheet.project?.name ?? unit.name;
    if (compared && compared.sourceHash === hash) {
      return {
        id: compared.id,
        unit: unit.name,
        year,
        kind: sheet.kind,
        name,
        version: compared.version,
        status: compared.status,
        outcome: 'unchanged',
        indicators: sheet.indicators.length,
      };
    }
    if (latest) {
      // Older drafts are replaced by the new version; an approved one stays in force until the new one is approved.
      await em
        .getRepository(TargetSheetEntity)
        .update({ unitId: unit.id, year, sheetKey: key, status: 'draft' }, { status: 'superseded' });
    }
    const repo = em.getRepository(TargetSheetEntity);
    const entity = await repo.save(
      repo.create({
        unitId: unit.id,
        year,
        kind: sheet.kind,
        sheetKey: key,
        version: (latest?.version ?? 0) + 1,
        status: 'draft',
        name,
        projectCode: sheet.project?.code ?? null,
        budgetTotal: sheet.budget.total ?? null,
        budget: sheet.budget as Record<string, string>,
        spendingPlan: sheet.spendingPlan,
        goal: sheet.goal,
        attributes: sheet.attributes,
        warnings: sheet.warnings,
        sourceName: source.name,
        sourceHash: hash,
        changeReason: latest ? `目标调整：重新导入 ${source.name}` : null,
        approvedAt: null,
        approvedBy: null,
      }),
    );
    // multi-row INSERTs, chunked to the database's parameter limit, instead of a save per indicator
    await bulkInsert(
      em,
      IndicatorEntity,
      sheet.indicators.map((row, position) => toIndicatorEntity(row, entity.id, position)),
    );
    return {
      id: entity.id,
      unit: unit.name,
      year,
      kind: sheet.kind,
      name,
      version: entity.version,
      status: entity.status,
      outcome: latest ? 'new-version' : 'created',
      indicators: sheet.indicators.length,
    };
  }

  private async upsertUnit(em: EntityManager, sheet: TargetSheet): Promise<UnitEntity> {
    const repo = em.getRepository(UnitEntity);
    // Units without a published code are keyed by their name.
    const code = sheet.unit.code ?? sheet.unit.name;
    const found = await repo.findOneBy({ code });
    if (found) return found;
    return repo.save(
      repo.create({ code, name: sheet.unit.name, parentName: sheet.attributes['主管部门'] ?? null, region: null }),
    );
  }

  async setContactEmail(unitCode: string, email: string | null) {
    const repo = this.ds.getRepository(UnitEntity);
    const unit = await repo.findOneBy({ code: unitCode });
    if (!unit) throw new DomainError('NOT_FOUND', `找不到单位“${unitCode}”`, { field: 'unitCode' });
    unit.contactEmail = email;
    return repo.save(unit);
  }

  /** Where a unit's notices go: mail and/or a group-robot webhook (validated by the caller); one save. */
  async setContact(unitCode: string, contact: { email: string | null; webhookUrl: string | null }) {
    const repo = this.ds.getRepository(UnitEntity);
    const unit = await repo.findOneBy({ code: unitCode });
    if (!unit) throw new DomainError('NOT_FOUND', `找不到单位“${unitCode}”`, { field: 'unitCode' });
    unit.contactEmail = contact.email;
    unit.webhookUrl = contact.webhookUrl;
    const saved = await repo.save(unit);
    // the address carries the robot's key: answered as set or not, never echoed back
    return { ...saved, webhookUrl: saved.webhookUrl ? '（已设置）' : null };
  }

  listUnits() {
    return this.ds.getRepository(UnitEntity).find({ order: { code: 'ASC' } });
  }

  /** unitIds: only these units (the caller's scope); undefined for all. */
  async listSheets(filter: {
    unitCode?: string;
    year?: number;
    includeSuperseded?: boolean;
    /** only sheets in this state (the approval list); otherwise every state but superseded and rejected */
    status?: SheetStatus;
    unitIds?: readonly string[];
  }) {
    const qb = this.ds
      .getRepository(TargetSheetEntity)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.unit', 'u')
      .orderBy('u.code')
      .addOrderBy('s.year')
      .addOrderBy('s.kind')
      .addOrderBy('s.name')
      .addOrderBy('s.version');
    if (filter.unitIds) {
      if (!filter.unitIds.length) return [];
      qb.andWhere('u.id IN (:...unitIds)', { unitIds: filter.unitIds });
    }
    if (filter.unitCode) qb.andWhere('u.code = :code', { code: filter.unitCode });
    if (filter.year) qb.andWhere('s.year = :year', { year: filter.year });
    if (filter.status) qb.andWhere('s.status = :status', { status: filter.status });
    else if (!filter.includeSuperseded)
      qb.andWhere('s.status NOT IN (:...hidden)', { hidden: ['superseded', 'rejected'] });
    return qb.getMany();
  }

  async getSheet(id: string): Promise<TargetSheetEntity & { indicators: IndicatorEntity[] }> {
    const sheet = await this.ds.getRepository(TargetSheetEntity).findOne({ where: { id }, relations: { unit: true } });
    if (!sheet) throw new DomainError('NOT_FOUND', `找不到绩效目标表 ${id}`, { field: 'id' });
    return Object.assign(sheet, { indicators: await sheetIndicators(this.ds, id) });
  }

  async history(id: string) {
    const sheet = await this.getSheet(id);
    return this.ds.getRepository(TargetSheetEntity).find({
      where: { unitId: sheet.unitId, year: sheet.year, sheetKey: sheet.sheetKey },
      order: { version: 'ASC' },
    });
  }

  /** Edits an indicator's target (re-parsed, exactly as an import would) before approval. */
  async updateIndicator(
    sheetId: string,
    indicatorId: string,
    patch: { name?: string; target?: string },
    actor = 'system',
  ) {
    return this.ds.transaction(async (em) => {
      const sheet = await findSheet(em, sheetId);
      if (sheet.status !== 'draft')
        throw new DomainError(
          'SHEET_LOCKED',
          `“${sheet.name}”第 ${sheet.version} 版已${sheet.status === 'approved' ? '批复锁定' : '被新版本取代'}，不能修改`,
          { sheet: sheet.name },
        );
      const repo = em.getRepository(IndicatorEntity);
      const ind = await repo.findOneBy({ id: indicatorId, sheetId });
      if (!ind) throw new DomainError('NOT_FOUND', `找不到指标 ${indicatorId}`, { field: 'indicatorId' });
      const before = { name: ind.name, target: ind.targetRaw };
      if (patch.name !== undefined) ind.name = patch.name.trim();
      if (patch.target !== undefined) {
        const parsed = parseTarget(patch.target, {
          cost: /成本/.test(ind.level2) || ind.level1 === '成本指标',
          level2: ind.level2,
        });
        if (parsed.targets.length !== 1) {
          throw new DomainError('VALIDATION_FAILED', `指标值“${patch.target}”含多个目标，请拆分为多个指标`, {
            field: 'target',
          });
        }
        Object.assign(ind, targetColumns(parsed.targets[0]));
      }
      const saved = await repo.save(ind);
      const changes: AuditChange[] = [];
      if (before.name !== saved.name) changes.push(['指标名称', before.name, saved.name]);
      if (before.target !== saved.targetRaw) changes.push([`指标值“${saved.name}”`, before.target, saved.targetRaw]);
      if (changes.length)
        await audit(em, { entity: 'indicator', entityId: saved.id, action: 'update', actor, changes });
      // The content hash follows the edit, so re-importing the old file is seen as a change.
      const unit = await em.getRepository(UnitEntity).findOneByOrFail({ id: sheet.unitId });
      const indicators = await sheetIndicators(em, sheetId);
      await em
        .getRepository(TargetSheetEntity)
        .update(
          { id: sheetId },
          { sourceHash: sheetContentHash(toInterchange(Object.assign(sheet, { unit, indicators }))) },
        );
      return saved;
    });
  }

  /**
   * What approving a draft would do (the approval page): the differences from the approved version in force and, for
   * each of its quarter reports, the values carried over to the matching indicators and those that are not.
   */
  async reviewVersion(sheetId: string): Promise<VersionReview> {
    return this.review(this.ds.manager, sheetId);
  }

  private async review(em: EntityManager, sheetId: string): Promise<VersionReview> {
    const found = await em
      .getRepository(TargetSheetEntity)
      .findOne({ where: { id: sheetId }, relations: { unit: true } });
    if (!found) throw new DomainError('NOT_FOUND', `找不到绩效目标表 ${sheetId}`, { field: 'id' });
    const sheet = Object.assign(found, { indicators: await sheetIndicators(em, sheetId) });
    const history = await em.getRepository(TargetSheetEntity).find({
      where: { unitId: sheet.unitId, year: sheet.year, sheetKey: sheet.sheetKey },
      order: { version: 'ASC' },
    });
    const approved = sheet.status === 'draft' ? history.find((v) => v.status === 'approved') : undefined;
    const rejected =
      sheet.status === 'rejected' ? (await auditTrail(em, sheet.id)).find((a) => a.action === 'reject') : null;
    const base = { sheet, history, rejectReason: rejected?.reason ?? null };
    if (!approved)
      return { ...base, current: null, header: [], diff: null, reports: [], evaluation: null, plan: 'none' };
    const current = Object.assign(approved, { indicators: await sheetIndicators(em, approved.id) });
    const diff = diffIndicators(current.indicators, sheet.indicators);
    const names = new Map(current.indicators.map((i) => [i.id, i.name]));
    const position = new Map(current.indicators.map((i) => [i.id, i.position]));
    const reports: CarriedReport[] = [];
    const fingerprint: unknown[] = [];
    const rows = await em.getRepository(QuarterReportEntity).findBy({ sheetId: current.id });
    rows.sort((a, b) => PERIODS.indexOf(a.period as Period) - PERIODS.indexOf(b.period as Period));
    for (const r of rows) {
      const values = (await indicatorValues(em, r.id))
        .filter((v) => v.valueRaw !== null || v.grade !== null)
        .sort((a, b) => (position.get(a.indicatorId) ?? 0) - (position.get(b.indicatorId) ?? 0));
      const dropped = values
        .filter((v) => !diff.carry.has(v.indicatorId))
        .map((v) => ({
          indicator: names.get(v.indicatorId) ?? '',
          value: v.valueRaw ?? v.grade ?? '',
          reason: diff.dropped.get(v.indicatorId) ?? '新版本中没有该指标',
        }));
      const period = r.period as Period;
      reports.push({
        period,
        periodName: PERIOD_NAME[period],
        status: STATUS_NAME[r.status],
        carried: values.length - dropped.length,
        dropped,
      });
      fingerprint.push([r.id, r.dataVersion, r.status]);
    }
    const ev = await findEvaluation(em, current.id);
    let evaluation: VersionReview['evaluation'] = null;
    if (ev) {
      const scores = await em.getRepository(IndicatorScoreEntity).findBy({ evaluationId: ev.id });
      const lost = scores.filter((x) => !diff.carry.has(x.indicatorId));
      evaluation = {
        status: STATUS_NAME[ev.status],
        carried: scores.length - lost.length,
        dropped: lost.map((x) => names.get(x.indicatorId) ?? ''),
      };
      fingerprint.push([ev.id, ev.dataVersion, ev.status]);
    }
    const plan = createHash('sha256')
      .update(JSON.stringify([current.id, fingerprint]))
      .digest('hex')
      .slice(0, 32);
    return { ...base, current, header: diffHeader(current, sheet), diff, reports, evaluation, plan };
  }

  /**
   * Approves a draft version (目标调整 when another version is in force). One transaction: the conditional write
   * draft → approved, the version in force approved → superseded, and its quarter reports, evidence links and
   * self-evaluation moved onto the new version by the rule of docs/targets.md (values of matching indicators kept,
   * the others removed and audited). `plan`, from the approval page, refuses the approval when what it listed changed.
   */
  async approve(sheetId: string, by: string, expected: { plan?: string } = {}) {
    const { approved, moved } = await this.ds.transaction(async (em) => {
      const sheet = await findDraftSheet(em, sheetId, '批复');
      const review = await this.review(em, sheetId);
      const { current, diff } = review;
      // a new version replaces the targets the approved one was scored against (目标调整)
      if (current) await assertScoreInputsOpen(em, current.id, `批复“${sheet.name}”的新版本目标`);
      if (expected.plan !== undefined && expected.plan !== review.plan)
        throw new DomainError(
          'CONFLICT',
          '页面打开后该表的季度填报又有变化，下方的结转情况已更新，请核对后再确认批复',
          { field: 'plan' },
        );
      await transition(em, {
        entity: TargetSheetEntity,
        id: sheet.id,
        from: ['draft'],
        to: 'approved',
        set: { approvedAt: this.now(), approvedBy: by },
        conflict: '该目标表已被他人批复或状态已变化，请刷新后重试',
        audit: {
          action: 'approve',
          actor: by,
          changes: [['状态', STATUS_NAME.draft, STATUS_NAME.approved]],
          reason: current ? `目标调整：第 ${sheet.version} 版取代第 ${current.version} 版` : null,
        },
      });
      let moved: Moved = { reports: [], evaluation: null };
      if (current && diff) {
        await transition(em, {
          entity: TargetSheetEntity,
          id: current.id,
          from: ['approved'],
          to: 'superseded',
          conflict: '该目标表的现行版本已变化，请刷新后重试',
          audit: {
            action: 'supersede',
            actor: by,
            changes: [['状态', STATUS_NAME.approved, STATUS_NAME.superseded]],
            reason: `目标调整：由第 ${sheet.version} 版取代`,
          },
        });
        moved = await this.carryOver(em, current, sheet, diff, by);
      }
      return { approved: await em.getRepository(TargetSheetEntity).findOneByOrFail({ id: sheet.id }), moved };
    });
    // after the commit (Redis and the database do not commit together; both jobs skip a stale data version)
    if (this.jobs) {
      for (const r of moved.reports) await this.jobs.monitoring(r.id, r.dataVersion);
      if (moved.evaluation) await this.jobs.scoring(moved.evaluation.id, moved.evaluation.dataVersion);
    }
    return approved;
  }

  /** Moves what was reported under `from` onto `to` (see approve); returns what needs new lights and scores. */
  private async carryOver(
    em: EntityManager,
    from: TargetSheetEntity & { indicators: IndicatorEntity[] },
    to: TargetSheetEntity,
    diff: VersionDiff,
    by: string,
  ): Promise<Moved> {
    const names = new Map(from.indicators.map((i) => [i.id, i.name]));
    const versionChange: AuditChange = ['目标表版本', `第 ${from.version} 版`, `第 ${to.version} 版`];
    const reason = `目标调整：批复第 ${to.version} 版`;
    const out: Moved = { reports: [], evaluation: null };
    for (const report of await em.getRepository(QuarterReportEntity).findBy({ sheetId: from.id })) {
      const changes: AuditChange[] = [versionChange];
      for (const v of await indicatorValues(em, report.id)) {
        const next = diff.carry.get(v.indicatorId);
        if (next) {
          await em.getRepository(IndicatorValueEntity).update({ id: v.id }, { indicatorId: next });
        } else {
          await em.getRepository(IndicatorValueEntity).delete({ id: v.id });
          if (v.valueRaw !== null || v.grade !== null)
            changes.push([`指标“${names.get(v.indicatorId)}”`, v.valueRaw ?? v.grade, null]);
        }
      }
      for (const e of await em.getRepository(EvidenceFileEntity).findBy({ reportId: report.id })) {
        if (e.indicatorId === null) continue;
        // evidence stays with the report; it names the new indicator, or none when the indicator is gone
        await em
          .getRepository(EvidenceFileEntity)
          .update({ id: e.id }, { indicatorId: diff.carry.get(e.indicatorId) ?? null });
      }
      const hadLights = await em.getRepository(MonitoringResultEntity).existsBy({ reportId: report.id });
      // the new version number makes a save on the old page, old lights and an old PDF stale
      await em
        .createQueryBuilder()
        .update(QuarterReportEntity)
        .set({ sheetId: to.id, dataVersion: () => 'data_version + 1' })
        .where('id = :id', { id: report.id })
        .execute();
      await audit(em, {
        entity: 'quarter_report',
        entityId: report.id,
        action: 'carry-over',
        actor: by,
        changes,
        reason,
      });
      // lights exist or were asked for (a submit queues them) for every report handed in
      if (hadLights || report.status === 'submitted' || report.status === 'confirmed')
        out.reports.push({ id: report.id, dataVersion: report.dataVersion + 1 });
    }
    const ev = await findEvaluation(em, from.id);
    if (ev) {
      const changes: AuditChange[] = [versionChange];
      for (const x of await em.getRepository(IndicatorScoreEntity).findBy({ evaluationId: ev.id })) {
        const next = diff.carry.get(x.indicatorId);
        if (next) {
          // inputs (weight, explanation) stay; computed scores are recomputed against the new targets
          await em
            .getRepository(IndicatorScoreEntity)
            .update({ id: x.id }, { indicatorId: next, weight: null, ruleScore: null, draft: null });
        } else {
          await em.getRepository(IndicatorScoreEntity).delete({ id: x.id });
          changes.push([`指标“${names.get(x.indicatorId)}”的自评内容`, x.explanationText ?? x.unitWeight ?? '', null]);
        }
      }
      await em
        .createQueryBuilder()
        .update(SelfEvaluationEntity)
        .set({ sheetId: to.id, dataVersion: () => 'data_version + 1', scoreState: 'stale' })
        .where('id = :id', { id: ev.id })
        .execute();
      await audit(em, { entity: 'self_evaluation', entityId: ev.id, action: 'carry-over', actor: by, changes, reason });
      out.evaluation = { id: ev.id, dataVersion: ev.dataVersion + 1 };
    }
    return out;
  }

  /** Refuses a draft version (目标调整 not accepted): draft → rejected, the reason audited; nothing else changes. */
  async reject(sheetId: string, reason: string, by: string) {
    const why = (reason ?? '').trim();
    if (!why) throw new DomainError('VALIDATION_FAILED', '驳回须填写原因', { field: 'reason' });
    return this.ds.transaction(async (em) => {
      const sheet = await findDraftSheet(em, sheetId, '驳回');
      await transition(em, {
        entity: TargetSheetEntity,
        id: sheet.id,
        from: ['draft'],
        to: 'rejected',
        conflict: '该目标表已被他人处理或状态已变化，请刷新后重试',
        audit: {
          action: 'reject',
          actor: by,
          changes: [['状态', STATUS_NAME.draft, STATUS_NAME.rejected]],
          reason: why,
        },
      });
      return em.getRepository(TargetSheetEntity).findOneByOrFail({ id: sheet.id });
    });
  }
}

export function targetColumns(t: IndicatorRow['target']) {
  return t.kind === 'quantitative'
    ? {
        targetRaw: t.raw,
        targetKind: t.kind,
        targetOp: t.op,
        targetValue: t.value,
        targetUnit: t.unit,
        targetText: null,
      }
    : t.kind === 'qualitative'
      ? {
          targetRaw: t.raw,
          targetKind: t.kind,
          targetOp: null,
          targetValue: null,
          targetUnit: null,
          targetText: t.text,
        }
      : {
          // a date or period is not a number: its ISO value goes in the text column
          // (target_value is numeric); the cell as written stays in target_raw
          targetRaw: t.raw,
          targetKind: t.kind,
          targetOp: t.op,
          targetValue: null,
          targetUnit: null,
          targetText: t.value,
        };
}

function toIndicatorEntity(row: IndicatorRow, sheetId: string, position: number): Partial<IndicatorEntity> {
  return {
    sheetId,
    position,
    level1: row.level1,
    level2: row.level2,
    name: row.name,
    description: row.description ?? null,
    basis: row.basis ?? null,
    standard: row.standard ?? null,
    weight: null,
    ...targetColumns(row.target),
  };
}
