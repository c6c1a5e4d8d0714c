import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@selfeval/config';
import { openDatabase } from '@selfeval/db';
import { tempDir } from './config';
import { createPgSchema } from './postgres';

/** Where a suite's database lives, and how to remove it afterwards. */
export type TestDatabase = () => Promise<{ db: DatabaseConfig; drop: () => Promise<void> }>;

/** A fresh SQLite file in the test's temp dir (removed with it). */
export const sqliteFile =
  (name: string): TestDatabase =>
  async () => ({ db: { driver: 'sqlite', file: path.join(tempDir(), name) }, drop: async () => undefined });

/**
 * The describe block's DataSource, migrated, on `database` (default: a fresh PostgreSQL schema):
 * opened before its tests, closed and dropped after them. Call the returned function in a test or a
 * later beforeAll.
 */
export function openedDataSource(database: TestDatabase = createPgSchema): () => DataSource {
  let ds: DataSource | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const made = await database();
    drop = made.drop;
    ds = await openDatabase(made.db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await drop?.();
  });
  return () => {
    if (!ds) throw new Error('the test database is not open (openedDataSource is used in describe, before beforeAll)');
    return ds;
  };
}
