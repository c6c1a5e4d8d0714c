import * as fs from 'node:fs';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { postgresUrl } from './pg-url';
import { escapeGlob, redisPrefixPattern, RUN_ENV, schemaPattern } from './run';

/** What one test run left behind; each finder also removes what it found, so one failed run does not spoil the next. */
export interface Leftover {
  kind: 'process' | 'temp' | 'redis' | 'schema';
  what: string;
}

/** Processes that inherited this run's marker from a test (even when reparented to init after their parent died). */
export function runProcesses(run: string): { pid: number; cmd: string }[] {
  const marker = `${RUN_ENV}=${run}`;
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!env.includes(marker)) continue;
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid, cmd });
    } catch {
      // gone meanwhile, or a zombie with no environment
    }
  }
  return found;
}

/** Processes still alive after a grace period for those that are exiting; the survivors are killed. */
export async function leftoverProcesses(run: string, graceMs = 10_000): Promise<Leftover[]> {
  const deadline = Date.now() + graceMs;
  let alive = runProcesses(run);
  while (alive.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200)); // exiting processes give no event to wait on from here
    alive = runProcesses(run);
  }
  for (const p of alive) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // exited in between
    }
  }
  return alive.map((p) => ({ kind: 'process', what: `pid ${p.pid}: ${p.cmd.slice(0, 200)}` }));
}

/** Entries the tests left in the run's temp root; the root is removed afterwards. */
export function leftoverTemp(root: string): Leftover[] {
  if (!fs.existsSync(root)) return [];
  const found = fs.readdirSync(root).map((name) => ({ kind: 'temp' as const, what: path.join(root, name) }));
  fs.rmSync(root, { recursive: true, force: true });
  return found;
}

/** Keys under this run's queue prefixes on the shared Redis, counted by prefix; deleted. */
export async function leftoverRedisKeys(url: string, run: string): Promise<Leftover[]> {
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    return []; // no Redis: the Redis tests failed on their own
  }
  try {
    const byPrefix = new Map<string, number>();
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(redisPrefixPattern(run))}*`, 'COUNT', 1000);
      for (const key of keys) {
        const prefix = key.slice(0, key.indexOf('}') + 1);
        byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
      }
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    return [...byPrefix].map(([prefix, n]) => ({ kind: 'redis', what: `${n} keys under ${prefix}` }));
  } finally {
    redis.disconnect();
  }
}

/** PostgreSQL schemas of this run that were never dropped; dropped now. */
export async function leftoverSchemas(run: string): Promise<Leftover[]> {
  const client = new Client({ connectionString: postgresUrl() });
  try {
    await client.connect();
  } catch {
    return [];
  }
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY nspname`,
      [schemaPattern(run)],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    return rows.map((r) => ({ kind: 'schema', what: r.nspname }));
  } finally {
    await client.end();
  }
}
