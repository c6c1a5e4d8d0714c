import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig, DatabaseConfig, loadConfig } from '@selfeval/config';

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function tempDir(prefix = 'selfeval-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
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
    queuePrefix: `{test-${randomBytes(4).toString('hex')}}`,
  };
}
