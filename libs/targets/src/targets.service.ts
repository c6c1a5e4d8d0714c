import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ImportResult, IndicatorRow, parseTarget, STATUS_NAME, TargetSheet } from '@selfeval/domain';
import {
  assertScoreInputsOpen,
  audit,
  AuditChange,
  bulkInsert,
  Clock,
  findSheet,
  IndicatorEntity,
  sheetIndicators,
  TargetSheetEntity,
  transition,
  UnitEntity,
} from '@selfeval/db';
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
  outcome: 'created' | 'new-version' | 'unchanged';
  indicators: number;
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
    const latest = await em
      .getRepository(TargetSheetEntity)
      .createQueryBuilder('s')
      .where('s.unit_id = :unitId AND s.year = :year AND s.sheet_key = :key', {
        unitId: unit.id,
        year,
        key,
      })
      .orderBy('s.version', 'DESC')
      .getOne();
    const name = sheet.project?.name ?? unit.name;
    if (latest && latest.sourceHash === hash) {
      return {
        id: latest.id,
        unit: unit.name,
        year,
        kind: sheet.kind,
        name,
        version: latest.version,
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
    if (!filter.includeSuperseded) qb.andWhere('s.status != :sup', { sup: 'superseded' });
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

  /** Approves a draft version; the version in force before it is superseded in the same transaction. */
  async approve(sheetId: string, by: string) {
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(TargetSheetEntity);
      const sheet = await findSheet(em, sheetId);
      if (sheet.status !== 'draft')
        throw new DomainError(
          'SHEET_LOCKED',
          `“${sheet.name}”第 ${sheet.version} 版当前状态为 ${sheet.status}，不能批复`,
          { sheet: sheet.name },
        );
      // a new version replaces the targets the approved one was scored against (目标调整)
      const current = await repo.findOneBy({
        unitId: sheet.unitId,
        year: sheet.year,
        sheetKey: sheet.sheetKey,
        status: 'approved',
      });
      if (current) await assertScoreInputsOpen(em, current.id, `批复“${sheet.name}”的新版本目标`);
      await transition(em, {
        entity: TargetSheetEntity,
        id: sheet.id,
        from: ['draft'],
        to: 'approved',
        set: { approvedAt: this.now(), approvedBy: by },
        conflict: '该目标表已被他人批复或状态已变化，请刷新后重试',
        audit: { action: 'approve', actor: by, changes: [['状态', STATUS_NAME.draft, STATUS_NAME.approved]] },
      });
      await repo
        .createQueryBuilder()
        .update()
        .set({ status: 'superseded' })
        .where('unit_id = :unitId AND year = :year AND sheet_key = :key AND status = :approved AND id <> :id', {
          unitId: sheet.unitId,
          year: sheet.year,
          key: sheet.sheetKey,
          approved: 'approved',
          id: sheet.id,
        })
        .execute();
      return repo.findOneByOrFail({ id: sheet.id });
    });
  }
}

function targetColumns(t: IndicatorRow['target']) {
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
