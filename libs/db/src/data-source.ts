import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@selfeval/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** One factory for the app, the CLI and the tests; synchronize is never on. */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false, logging: false } as const;
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
  return new DataSource(dataSourceOptions(db));
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(db: DatabaseConfig): Promise<DataSource> {
  const ds = createDataSource(db);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
