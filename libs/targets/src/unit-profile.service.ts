import { DataSource, In } from 'typeorm';
import { audit, AuditChange, STALE_VERSION, UnitEntity } from '@selfeval/db';
import {
  checkUnitProfile,
  DomainError,
  pick,
  profileValueText,
  UNIT_PROFILE_FIELDS,
  UnitProfile,
  UnitProfileField,
} from '@selfeval/domain';

/** A unit's profile as the page and the API show it; `version` is what a save must send back. */
export interface UnitProfileView extends UnitProfile {
  unitId: string;
  code: string;
  name: string;
  parentName: string | null;
  version: number;
}

const FIELDS = Object.keys(UNIT_PROFILE_FIELDS) as UnitProfileField[];

function view(u: UnitEntity): UnitProfileView {
  return {
    unitId: u.id,
    code: u.code,
    name: u.name,
    parentName: u.parentName,
    version: u.profileVersion,
    ...pick(u, FIELDS),
  };
}

const shown = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));

/**
 * 单位概况 (主要职能, 机构设置, 人员情况, 联系人/电话/邮箱): read by the report's section 一 and by mail.
 * A save is validated whole (every bad field named), then one conditional UPDATE on the version the
 * user read, audited field by field in the same transaction; a save that changes nothing writes nothing.
 */
export class UnitProfileService {
  constructor(private readonly ds: DataSource) {}

  async get(unitId: string): Promise<UnitProfileView> {
    const unit = await this.ds.getRepository(UnitEntity).findOneBy({ id: unitId });
    if (!unit) throw new DomainError('NOT_FOUND', '找不到该单位', { field: 'unitId' });
    return view(unit);
  }

  /** The units of a scope (undefined: all), by code, with their profiles. */
  async list(unitIds?: readonly string[]): Promise<UnitProfileView[]> {
    if (unitIds && !unitIds.length) return [];
    const units = await this.ds
      .getRepository(UnitEntity)
      .find({ where: unitIds ? { id: In([...unitIds]) } : {}, order: { code: 'ASC' } });
    return units.map(view);
  }

  /**
   * Saves the fields present in `input` (others unchanged). Bad input: VALIDATION_FAILED naming the
   * first field, every problem in `details`. A stale `expectedVersion`: CONFLICT on `version`.
   */
  async save(
    unitId: string,
    input: Record<string, unknown>,
    actor: string,
    expectedVersion?: number,
  ): Promise<UnitProfileView> {
    const { profile, problems } = checkUnitProfile(input);
    if (problems.length) throw DomainError.invalid(problems);
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(UnitEntity);
      const unit = await repo.findOneBy({ id: unitId });
      if (!unit) throw new DomainError('NOT_FOUND', '找不到该单位', { field: 'unitId' });
      if (expectedVersion !== undefined && expectedVersion !== unit.profileVersion)
        throw new DomainError('CONFLICT', STALE_VERSION, { field: 'version' });
      const changes: AuditChange[] = [];
      const set: Partial<UnitProfile> = {};
      for (const field of FIELDS) {
        if (!(field in profile)) continue;
        const next = profile[field] ?? null;
        if (shown(next) === shown(unit[field])) continue;
        // a choice is audited by its label (仅 PDF), not its stored value
        changes.push([
          UNIT_PROFILE_FIELDS[field].label,
          profileValueText(field, unit[field]),
          profileValueText(field, next),
        ]);
        Object.assign(set, { [field]: next });
      }
      if (!changes.length) return view(unit);
      // one conditional write: whoever saved since this transaction read the row makes it touch nothing
      const { affected } = await em
        .createQueryBuilder()
        .update(UnitEntity)
        .set({ ...set, profileVersion: () => 'profile_version + 1' })
        .where('id = :id AND profile_version = :version', { id: unitId, version: unit.profileVersion })
        .execute();
      if (affected !== 1) throw new DomainError('CONFLICT', STALE_VERSION, { field: 'version' });
      await audit(em, { entity: 'unit', entityId: unitId, action: 'profile', actor, changes });
      return view(await repo.findOneByOrFail({ id: unitId }));
    });
  }
}
