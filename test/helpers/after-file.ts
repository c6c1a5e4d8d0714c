import { dropTestRedisPrefixes, removeTempDirs } from './config';

/**
 * Every test file removes what it made, whatever its outcome: the temp directories (tempDir) and the Redis keys
 * under the queue prefixes testConfig gave it (sessions, queues, event streams). Runs after the file's own afterAll.
 */
afterAll(async () => {
  removeTempDirs();
  await dropTestRedisPrefixes();
});
