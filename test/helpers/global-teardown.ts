import { Leftover, leftoverProcesses, leftoverRedisKeys, leftoverSchemas, leftoverTemp } from './leftovers';
import { RUN_ENV, tempRoot, testRedisUrl } from './run';

/**
 * Fails the run when the tests left anything behind: a process started by a test (Chromium,
 * redis-server, a worker), a file in the run's temp root, a Redis key under a test prefix, an
 * undropped schema. It prints what it found and removes it.
 */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[RUN_ENV];
  if (!run) return;
  const found: Leftover[] = [
    ...(await leftoverProcesses(run)),
    ...leftoverTemp(tempRoot(run, process.env.SELFEVAL_TEST_TMP_BASE)),
    ...(await leftoverRedisKeys(testRedisUrl(), run)),
    ...(await leftoverSchemas(run)),
  ];
  if (!found.length) return;
  const lines = found.map((l) => `  ${l.kind.padEnd(7)} ${l.what}`);
  const message = `The tests left ${found.length} thing(s) behind (now removed):\n${lines.join('\n')}`;
  console.error(`\n${message}\n`);
  throw new Error(message);
}
