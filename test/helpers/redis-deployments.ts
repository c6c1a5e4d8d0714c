import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { RedisNode } from '@selfeval/config';
import { createRedisConnection, freePort } from '@selfeval/jobs';
import { tempDir } from './config';

const run = promisify(execFile);

/** One redis-server of a test: its own port and directory, stopped (and its directory removed) by stop(). */
export class RedisProcess {
  readonly url: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    args: string[],
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    this.child = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (d) => (this.output += d));
  }

  /** Starts redis-server and resolves once it logs that it accepts connections. */
  static async start(extra: string[], opts: { sentinel?: string } = {}): Promise<RedisProcess> {
    const port = await freePort();
    const dir = tempDir('redis-node-');
    const base = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    let args = [...base, ...extra];
    if (opts.sentinel !== undefined) {
      // a sentinel rewrites its configuration file, so it gets one of its own
      const conf = path.join(dir, 'sentinel.conf');
      fs.writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\n${opts.sentinel}\n`);
      args = [conf, '--sentinel'];
    }
    const node = new RedisProcess(port, dir, args);
    await node.logged(/Ready to accept connections|Sentinel ID is/, 'redis-server start');
    return node;
  }

  /** Resolves when the server's log matches (it prints as it goes); rejects if it exits first. */
  logged(pattern: RegExp, what: string, ms = 30_000): Promise<void> {
    if (pattern.test(this.output)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${what}: not logged within ${ms / 1000} s\n${this.output}`)), ms);
      const check = () => pattern.test(this.output) && done();
      const exit = () => done(new Error(`${what}: redis-server exited\n${this.output}`));
      const done = (e?: Error) => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.off('exit', exit);
        if (e) reject(e);
        else resolve();
      };
      this.child.stdout!.on('data', check);
      this.child.once('exit', exit);
    });
  }

  /** One command through redis-cli (strings as redis-cli prints them). */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...args]);
    return stdout.trim();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Polls a condition that has no event to wait on (a cluster agreeing on its slots, a sentinel learning
 * of a replica): the deadline is an upper bound that names what never happened, not a pacing window.
 */
export async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: did not happen within ${ms / 1000} s ${last ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RedisCluster {
  nodes: RedisNode[];
  servers: RedisProcess[];
  stop(): Promise<void>;
}

/** `n` masters with --cluster-enabled, joined by `redis-cli --cluster create`; resolves once every node says cluster_state:ok. */
export async function startRedisCluster(n = 3): Promise<RedisCluster> {
  const servers: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < n; i++)
      servers.push(
        await RedisProcess.start([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '5000',
        ]),
      );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const s of servers)
      await until(
        async () => ((await s.cli('cluster', 'info')).includes('cluster_state:ok') ? true : undefined),
        `cluster_state:ok on node ${s.port}`,
      );
    // and a client sees all slots covered (the nodes' views converge through the cluster bus)
    const nodes = servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
    await until(async () => {
      const client = createRedisConnection({ redisCluster: nodes }, { probe: true });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const slots = (await client.cluster('SLOTS')) as [number, number][];
        const covered = slots.reduce((sum, [from, to]) => sum + (to - from + 1), 0);
        return covered === 16384 ? true : undefined;
      } finally {
        client.disconnect();
      }
    }, 'all 16384 slots served');
    return { nodes, servers, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface RedisSentinelSet {
  primary: RedisProcess;
  replica: RedisProcess;
  sentinel: RedisProcess;
  name: string;
  stop(): Promise<void>;
}

/** One primary, one replica and one sentinel (quorum 1) watching them as `name`. */
export async function startRedisSentinel(name = 'selfeval-test'): Promise<RedisSentinelSet> {
  const started: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
  try {
    const primary = await RedisProcess.start([]);
    started.push(primary);
    const replica = await RedisProcess.start(['--replicaof', '127.0.0.1', String(primary.port)]);
    started.push(replica);
    await replica.logged(/MASTER <-> REPLICA sync: Finished with success/, 'replica in sync');
    const sentinel = await RedisProcess.start([], {
      sentinel: [
        `sentinel monitor ${name} 127.0.0.1 ${primary.port} 1`,
        `sentinel down-after-milliseconds ${name} 2000`,
        `sentinel failover-timeout ${name} 10000`,
      ].join('\n'),
    });
    started.push(sentinel);
    // the sentinel learns of the replica from the primary's INFO; a failover needs it known and linked
    await until(async () => {
      const out = await sentinel.cli('sentinel', 'replicas', name);
      return out.includes(String(replica.port)) && /master-link-status\s+ok/.test(out) ? true : undefined;
    }, 'the sentinel knows the replica');
    return { primary, replica, sentinel, name, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
