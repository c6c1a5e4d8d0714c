import { Client } from 'pg';
import { postgresUrl } from './pg-url';

/** Fails fast in CI when PostgreSQL is missing; elsewhere the PostgreSQL tests print a skip. */
export default async function globalSetup(): Promise<void> {
  const client = new Client({ connectionString: postgresUrl() });
  try {
    await client.connect();
    await client.end();
    process.env.SELFEVAL_TEST_PG = '1';
  } catch (e) {
    if (process.env.CI === 'true')
      throw new Error(`CI=true but PostgreSQL is unreachable at ${postgresUrl()}: ${(e as Error).message}`);
    process.env.SELFEVAL_TEST_PG = '0';
    console.warn(`\n[skip] PostgreSQL unreachable at ${postgresUrl()}: PostgreSQL tests are skipped.\n`);
  }
}
