import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createRedisConnection } from './redis-connection';

export interface EmbeddedRedisOptions {
  dataDir: string;
  bin?: string;
  /** a fixed port (to restart on the same address); default: a free one */
  port?: number;
  startTimeoutMs?: number;
}

/**
 * A private redis-server for the embedded default: loopback only, a free port, AOF data under
 * DATA_DIR/redis. It is stopped on shutdown and, as a last resort, when this process exits.
 */
export class EmbeddedRedis {
  private child?: ChildProcess;
  private exitHook?: () => void;
  url = '';

  constructor(private readonly options: EmbeddedRedisOptions) {}

  async start(): Promise<string> {
    const dir = path.join(this.options.dataDir, 'redis');
    fs.mkdirSync(dir, { recursive: true });
    killStale(path.join(dir, 'redis.pid'));
    const port = this.options.port ?? (await freePort());
    const bin = this.options.bin ?? 'redis-server';
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--pidfile',
      path.join(dir, 'redis.pid'),
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--logfile',
      path.join(dir, 'redis.log'),
    ];
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new Error(
            e.code === 'ENOENT'
              ? `找不到 redis-server（${bin}）。请安装：apt-get install -y redis-server，或设置 REDIS_URL 指向已有的 Redis。`
              : `redis-server 启动失败：${e.message}`,
          ),
        ),
      );
      child.once('exit', (code) => reject(new Error(`redis-server 意外退出（代码 ${code}），见 ${dir}/redis.log`)));
    });
    this.exitHook = () => child.kill('SIGKILL');
    process.once('exit', this.exitHook);
    this.url = `redis://127.0.0.1:${port}`;
    await Promise.race([waitForPing(this.url, this.options.startTimeoutMs ?? 10_000), spawnError]);
    child.removeAllListeners('exit');
    return this.url;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    if (this.exitHook) process.removeListener('exit', this.exitHook);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM'); // redis-server flushes the AOF on SIGTERM
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = createRedisConnection(url, { probe: true });
    client.on('error', () => undefined); // reported through connect() below
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (e) {
      lastError = e;
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server 在 ${timeoutMs} ms 内未就绪：${String(lastError)}`);
}

/** A previous run killed with SIGKILL leaves its redis-server behind; stop it before reusing the dir. */
function killStale(pidFile: string): void {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (pid > 0 && cmd.includes('redis-server')) process.kill(pid, 'SIGKILL');
  } catch {
    // no pid file or no such process: nothing to clean up
  }
}
