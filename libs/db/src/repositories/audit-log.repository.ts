import type { DataSource, EntityManager } from 'typeorm';
import { AuditLogEntity } from '../entities';
import { bulkInsert } from './bulk-insert';

/** One changed field: its label (Chinese, as shown in the audit trail), old and new value. */
export type AuditChange = [field: string, oldValue: string | null, newValue: string | null];

export interface AuditEntry {
  /** table name of the changed row, e.g. quarter_report */
  entity: string;
  entityId: string;
  action: string;
  actor: string;
  changes?: AuditChange[];
  reason?: string | null;
}

/** Writes the audit rows of one change in the caller's transaction: one row per field, or one without a field. */
export async function audit(em: EntityManager, entry: AuditEntry): Promise<void> {
  const changes: (AuditChange | [null, null, null])[] = entry.changes?.length ? entry.changes : [[null, null, null]];
  await bulkInsert(
    em,
    AuditLogEntity,
    changes.map(([field, oldValue, newValue]) => ({
      entity: entry.entity,
      entityId: entry.entityId,
      action: entry.action,
      field,
      oldValue,
      newValue,
      actor: entry.actor,
      reason: entry.reason ?? null,
    })),
  );
}

/** Everything recorded about one row, oldest first. */
export function auditTrail(ds: DataSource | EntityManager, entityId: string) {
  return ds.getRepository(AuditLogEntity).find({ where: { entityId }, order: { createdAt: 'ASC' } });
}
