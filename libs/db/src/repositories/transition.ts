import { DomainError } from '@selfeval/domain';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { audit, AuditEntry } from './audit-log.repository';

export interface Transition<T extends ObjectLiteral> {
  entity: EntityTarget<T>;
  id: string;
  /** the states the row may be in; checked by the UPDATE itself, not by an earlier read */
  from: readonly string[];
  /** the new state; omitted when the write keeps the state (saving a draft) */
  to?: string;
  /** other columns written by the same UPDATE */
  set?: QueryDeepPartialEntity<T>;
  /** property of the row's version counter */
  version?: keyof T & string;
  /** the write changes data: the version counter goes up by one */
  bump?: boolean;
  /** the version the caller read: a write on top of someone else's change is refused */
  expectedVersion?: number;
  /** Chinese message when the row has moved on (HTTP 409) */
  conflict: string;
  audit: Omit<AuditEntry, 'entity' | 'entityId'>;
}

/**
 * The one primitive for workflow state changes: a single conditional
 * `UPDATE … SET status = to[, version = version + 1] WHERE id = … AND status IN (from) [AND version = expected]`.
 * Its affected-row count decides: 0 → CONFLICT (someone else was first); 1 → exactly one audit
 * entry in the same transaction.
 */
export async function transition<T extends ObjectLiteral>(em: EntityManager, t: Transition<T>): Promise<void> {
  const meta = em.connection.getMetadata(t.entity);
  const column = (property: string) => {
    const c = meta.findColumnWithPropertyName(property);
    if (!c) throw new Error(`${meta.tableName} has no column for ${property}`);
    return c.databaseName;
  };
  const set: Record<string, unknown> = { ...(t.set ?? {}) };
  if (t.to) set.status = t.to;
  if ((t.bump || t.expectedVersion !== undefined) && !t.version) throw new Error('a version check needs `version`');
  if (t.bump && t.version) {
    const name = column(t.version);
    set[t.version] = () => `${name} + 1`;
  }
  const qb = em
    .createQueryBuilder()
    .update(t.entity)
    .set(set as QueryDeepPartialEntity<T>)
    .where('id = :id', { id: t.id })
    .andWhere(`${column('status')} IN (:...from)`, { from: [...t.from] });
  if (t.expectedVersion !== undefined && t.version)
    qb.andWhere(`${column(t.version)} = :expected`, { expected: t.expectedVersion });
  const { affected } = await qb.execute();
  if (affected !== 1) throw new DomainError('CONFLICT', t.conflict, { field: 'status' });
  await audit(em, { entity: meta.tableName, entityId: t.id, ...t.audit });
}
