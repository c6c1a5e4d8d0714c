import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig, DatabaseConfig, loadConfig } from '@selfeval/config';
import { createRedisConnection } from '@selfeval/jobs';
import { escapeGlob, redisPrefixPattern, runId, testRedisUrl } from './run';

export { testRedisUrl };

const created: string[] = [];
const prefixes: { url: string; prefix: string }[] = [];

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
  const redisUrl = overrides.redisUrl ?? testRedisUrl();
  const queuePrefix = `${redisPrefixPattern(runId())}${randomBytes(4).toString('hex')}}`;
  prefixes.push({ url: redisUrl, prefix: queuePrefix });
  return { ...config, database: overrides.database ?? config.database, redisUrl, queuePrefix };
}

/** Deletes the Redis keys under every queue prefix testConfig handed out in this file (after its apps closed). */
export async function dropTestRedisPrefixes(): Promise<void> {
  // only the shared Redis: a private redis-server the file started is stopped by now, and its keys with it
  for (const { url, prefix } of prefixes.splice(0)) if (url === testRedisUrl()) await dropRedisPrefix(url, prefix);
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
