import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { AppConfig } from '@selfeval/config';
import { freePort } from '@selfeval/jobs';
import { killTree } from './processes';

const ROOT = path.join(__dirname, '../..');

/**
 * The environment a production process gets for the test's database, Redis deployment and queue
 * prefix (what docker-compose.yml sets), from the test's config. One SESSION_SECRET for every API
 * process, as production requires.
 */
export function processEnv(config: AppConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const db = config.database;
  let databaseUrl: string;
  if (db.driver === 'postgres') {
    const url = new URL(db.url);
    if (db.schema) url.searchParams.set('schema', db.schema);
    databaseUrl = url.toString();
  } else databaseUrl = `sqlite:${db.file}`;
  const nodes = (list?: { host: string; port: number }[]) => (list ?? []).map((n) => `${n.host}:${n.port}`).join(',');
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.PROCESS_TRACE ? 'warn' : 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: config.redisUrl ?? '',
    REDIS_CLUSTER_NODES: nodes(config.redisCluster),
    REDIS_SENTINELS: nodes(config.redisSentinel?.sentinels),
    REDIS_SENTINEL_NAME: config.redisSentinel?.name ?? '',
    QUEUE_PREFIX: config.queuePrefix,
    DATA_DIR: config.dataDir,
    SMTP_URL: config.mail.smtpUrl ?? '',
    BCRYPT_COST: '4',
    ...extra,
  };
}

/** A compiled API or worker process, started as `npm run start:api` / `start:worker` start them. */
export class AppProcess {
  readonly exited: Promise<void>;
  output = '';

  private constructor(
    readonly kind: 'api' | 'worker',
    readonly child: ChildProcess,
    /** http://127.0.0.1:port for an API */
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    if (process.env.PROCESS_TRACE) child.stderr!.pipe(process.stderr);
  }

  static async start(kind: 'api' | 'worker', env: NodeJS.ProcessEnv): Promise<AppProcess> {
    const port = kind === 'api' ? await freePort() : 0;
    const child = spawn(
      process.execPath,
      ['-r', path.join(ROOT, 'scripts/register-paths.js'), path.join(ROOT, `dist/apps/${kind}/src/main.js`)],
      {
        env: kind === 'api' ? { ...env, PORT: String(port), HOST: '127.0.0.1' } : env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new AppProcess(kind, child, kind === 'api' ? `http://127.0.0.1:${port}` : '');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (graceful: active jobs finish, Chromium closes); the whole tree is killed if it does not exit in 30 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 30_000)));
    if ((await Promise.race([this.exited, late])) === 'late') await killTree(this.child.pid!);
    clearTimeout(timer);
    await this.exited;
  }
}

/** GET /api/health of an API process until it answers 200 with `want` workers on every queue; rejects if it exits. */
export async function healthy(api: AppProcess, want?: (workers: Record<string, number>) => boolean, ms = 90_000) {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    if (!api.running) throw new Error(`the API process exited:\n${api.output}`);
    try {
      const res = await fetch(`${api.url}/api/health`);
      const body = (await res.json()) as { queues?: { workers?: Record<string, number> } };
      last = `${res.status} ${JSON.stringify(body)}`;
      if (res.status === 200 && (!want || want(body.queues?.workers ?? {}))) return body;
    } catch (e) {
      last = String(e); // not listening yet
    }
    // a starting process gives no event to wait on from here: this is a readiness probe with a deadline
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${api.url} not healthy within ${ms / 1000} s: ${last}\n${api.output}`);
}

export const randomSecret = () => randomBytes(32).toString('hex');

/**
 * A browser-like session over plain HTTP: one cookie and CSRF token, sent to whichever API process
 * `on` names, so one sign-in can be used against several processes.
 */
export class HttpSession {
  cookie = '';
  csrf = '';

  static async signIn(base: string, username: string, password: string): Promise<HttpSession> {
    const s = new HttpSession();
    const res = await s.login(base, username, password);
    if (res.status !== 200) throw new Error(`login ${username} at ${base}: ${res.status} ${JSON.stringify(res.body)}`);
    return s;
  }

  async login(base: string, username: string, password: string) {
    if (!this.csrf) await this.request(base, 'GET', '/api/auth/session');
    return this.request(base, 'POST', '/api/auth/login', { username, password });
  }

  async request(base: string, method: string, route: string, body?: unknown) {
    const res = await fetch(`${base}${route}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let parsed: { csrfToken?: string; message?: string; [k: string]: unknown } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { text };
    }
    if (typeof parsed.csrfToken === 'string') this.csrf = parsed.csrfToken;
    return { status: res.status, body: parsed };
  }
}
