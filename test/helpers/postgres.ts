import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConfig } from '@selfeval/config';

import { postgresUrl } from './pg-url';
import { runId, schemaPattern } from './run';

export { postgresUrl };

/** `describe` when PostgreSQL is reachable (always in CI: global setup fails otherwise), else a printed skip. */
export const describePg: jest.Describe = (
  process.env.SELFEVAL_TEST_PG === '0' ? describe.skip : describe
) as jest.Describe;

/** A fresh schema per test file, so runs never see each other's rows; dropped by the returned cleanup. */
export async function createPgSchema(): Promise<{
  db: DatabaseConfig & { driver: 'postgres' };
  drop: () => Promise<void>;
}> {
  const schema = `${schemaPattern(runId())}${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: postgresUrl() });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return {
    db: { driver: 'postgres', url: postgresUrl(), schema },
    drop: async () => {
      const c = new Client({ connectionString: postgresUrl() });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
