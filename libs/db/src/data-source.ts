import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@selfeval/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** One factory for the app, the CLI and the tests; synchronize is never on. */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (db.driver === 'sqlite') {
    if (db.file !== ':memory:') fs.mkdirSync(path.dirname(db.file), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.file,
      // WAL lets the worker read while the API writes; foreign keys are off by default in SQLite.
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
      },
    };
  }
  // search_path makes raw SQL see the same schema as the entities.
  const options = db.schema ? { options: `-c search_path=${db.schema}` } : {};
  return { ...common, type: 'postgres', url: db.url, schema: db.schema, extra: { max: 10, ...options } };
}

export function createDataSource(db: DatabaseConfig): DataSource {
  return withSqliteTransactionQueue(new DataSource(dataSourceOptions(db)));
}

/**
 * better-sqlite3 gives a DataSource one connection, and TypeORM would interleave concurrent
 * transactions on it ("cannot start a transaction within a transaction"): on SQLite they take turns.
 * PostgreSQL uses a pool and is left alone.
 */
export function withSqliteTransactionQueue(ds: DataSource): DataSource {
  if (ds.options.type !== 'better-sqlite3') return ds;
  const manager = ds.manager;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  manager.transaction = ((...args: unknown[]) => {
    const run = tail.then(() => original(...args));
    tail = run.catch(() => undefined);
    return run;
  }) as typeof manager.transaction;
  return ds;
}

/** Any fixed number: the PostgreSQL advisory lock that lets one process at a time migrate a database. */
const MIGRATION_LOCK = 7_315_002_026;

/**
 * Applies pending migrations, one process at a time: several API processes starting together on an empty PostgreSQL
 * database would otherwise both create the same tables. The lock is held on a connection of its own (a session lock),
 * so the migrations run as usual; the second process finds nothing left to do. SQLite has one writer anyway.
 */
export async function migrateOnce(ds: DataSource) {
  if (ds.options.type !== 'postgres') return ds.runMigrations({ transaction: 'each' });
  const lock = ds.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await ds.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await lock.release();
  }
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(db: DatabaseConfig): Promise<DataSource> {
  const ds = createDataSource(db);
  await ds.initialize();
  await migrateOnce(ds);
  return ds;
}
