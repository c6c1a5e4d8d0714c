import { randomUUID } from 'node:crypto';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Bind parameters one statement may carry: PostgreSQL's wire protocol counts them in 16 bits,
 * SQLite (3.32+, as bundled by better-sqlite3) stops at 32,766.
 */
export function maxBindParameters(em: EntityManager): number {
  return em.connection.options.type === 'postgres' ? 65_535 : 32_766;
}

/**
 * Multi-row INSERTs (ids made here) instead of one statement per entity, chunked by
 * columns × rows so that a 10,000-indicator sheet fits either database's parameter limit.
 */
export async function bulkInsert<T extends ObjectLiteral & { id: string }>(
  em: EntityManager,
  entity: EntityTarget<T>,
  rows: readonly Omit<Partial<T>, 'id'>[],
): Promise<void> {
  if (!rows.length) return;
  const columns = em.connection.getMetadata(entity).columns.length;
  const perStatement = Math.max(1, Math.floor(maxBindParameters(em) / columns));
  for (let start = 0; start < rows.length; start += perStatement) {
    await em
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(rows.slice(start, start + perStatement).map((r) => ({ id: randomUUID(), ...r })) as never)
      .updateEntity(false)
      .execute();
  }
}
