import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig, DatabaseConfig, loadConfig } from '@selfeval/config';
import { createRedisConnection } from '@selfeval/jobs';
import { escapeGlob, redisPrefixPattern, runId, testRedisUrl } from './run';

export { testRedisUrl };

const created: string[] = [];

/** A fresh directory under the run's temp root; removed after the test file (test/helpers/after-file.ts). */
export function tempDir(prefix = 'selfeval-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A config like production's, with a private data dir and a queue prefix no other test shares. */
export function testConfig(overrides: { database?: DatabaseConfig; redisUrl?: string } = {}): AppConfig {
  const dataDir = tempDir();
  // bcrypt cost 4: hashing speed is not what the tests check
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', BCRYPT_COST: '4' });
  return {
    ...config,
    database: overrides.database ?? config.database,
    redisUrl: overrides.redisUrl ?? testRedisUrl(),
    queuePrefix: `${redisPrefixPattern(runId())}${randomBytes(4).toString('hex')}}`,
  };
}

/** Deletes every key under a test's queue prefix (queues, jobs, event streams). */
export async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  const redis = createRedisConnection(url);
  try {
    let deleted = 0;
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') return deleted;
    }
  } finally {
    redis.disconnect();
  }
}
