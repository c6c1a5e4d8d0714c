import * as fs from 'node:fs';
import * as os from 'node:os';
import { Client } from 'pg';
import { postgresUrl } from './pg-url';
import { RUN_ENV, tempRoot } from './run';

/**
 * Marks the run (see run.ts) and points every test process's TMPDIR at a run-scoped root, so
 * global-teardown.ts can find what the tests left behind. Fails fast in CI when PostgreSQL is
 * missing; elsewhere the PostgreSQL tests print a skip.
 */
export default async function globalSetup(): Promise<void> {
  const run = String(process.pid);
  const root = tempRoot(run);
  fs.mkdirSync(root, { recursive: true });
  // Jest workers are forked after this, with this environment; so is every process they start
  process.env[RUN_ENV] = run;
  process.env.SELFEVAL_TEST_TMP_BASE = os.tmpdir();
  process.env.TMPDIR = root;
  // ts-node in the upload parse worker would keep a compile cache in TMPDIR (v8-compile-cache-<uid>) past the run
  process.env.DISABLE_V8_COMPILE_CACHE = '1';

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
