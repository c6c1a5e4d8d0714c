import * as os from 'node:os';
import * as path from 'node:path';

/**
 * One test run's identity, made by global setup and inherited by every Jest worker and every process
 * they start (through the environment): names of the run's temp root, Redis prefixes and PostgreSQL
 * schemas carry it, so the global teardown finds exactly what this run left behind, even while
 * other runs share the machine, Redis and PostgreSQL.
 */
export const RUN_ENV = 'SELFEVAL_TEST_RUN';

export function runId(): string {
  const id = process.env[RUN_ENV];
  if (!id) throw new Error(`${RUN_ENV} is not set: run the tests through Jest (test/helpers/global-setup.ts)`);
  return id;
}

/** The run-scoped temp root: TMPDIR of every test process, so whatever they create lands here. */
export const tempRoot = (id: string, base = os.tmpdir()) => path.join(base, `selfeval-test-${id}`);

/** Redis key prefix (a BullMQ queue prefix) of one test. */
export const redisPrefixPattern = (id: string) => `{test-${id}-`;

/** PostgreSQL schemas of one test (lower case: unquoted identifiers fold to it). */
export const schemaPattern = (id: string) => `t_${id}_`;

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** SCAN MATCH treats `*`, `?`, `[`, `]` and `\\` as pattern characters: escape them in a literal prefix. */
export const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
