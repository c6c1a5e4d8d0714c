import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@selfeval/domain';
import { IndicatorEntity, TargetSheetEntity, UnitEntity } from '../entities';

type Db = DataSource | EntityManager;

/** A sheet's indicators in the order of the published table. */
export function sheetIndicators(db: Db, sheetId: string): Promise<IndicatorEntity[]> {
  return db.getRepository(IndicatorEntity).find({ where: { sheetId }, order: { position: 'ASC' } });
}

export async function findSheet(db: Db, sheetId: string): Promise<TargetSheetEntity> {
  const sheet = await db.getRepository(TargetSheetEntity).findOneBy({ id: sheetId });
  if (!sheet) throw new DomainError('NOT_FOUND', `找不到绩效目标表 ${sheetId}`, { field: 'sheetId' });
  return sheet;
}

/** A sheet with its indicators, for everything that reads a whole table. */
export async function sheetWithIndicators(db: Db, sheetId: string) {
  const sheet = await findSheet(db, sheetId);
  return { sheet, indicators: await sheetIndicators(db, sheetId) };
}

/** The approved project sheets of a unit's year, by name (the annexes of its department report). */
export function approvedProjectSheets(db: Db, unitId: string, year: number) {
  return db.getRepository(TargetSheetEntity).find({
    where: { unitId, year, kind: 'project', status: 'approved' },
    order: { name: 'ASC' },
  });
}

export function findUnit(db: Db, unitId: string): Promise<UnitEntity> {
  return db.getRepository(UnitEntity).findOneByOrFail({ id: unitId });
}

/** A sheet and the unit it belongs to (the subject of a report, its mail and its delivery). */
export async function findSheetAndUnit(db: Db, sheetId: string) {
  const sheet = await findSheet(db, sheetId);
  return { sheet, unit: await findUnit(db, sheet.unitId) };
}
