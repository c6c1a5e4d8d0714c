import * as path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Env } from './env.schema';

/** Every variable selfeval reads (the optional ones have no default, so list them by hand). */
export const ENV_NAMES = [
  ...Object.keys(new Env()),
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'SESSION_SECRET',
  'TRUST_PROXY',
  'LOG_FORMAT',
];

const SECRETS = new Set(['SESSION_SECRET']);

export type DatabaseConfig = { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string; schema?: string };

export interface AppConfig {
  env: Env['NODE_ENV'];
  http: { host: string; port: number };
  dataDir: string;
  database: DatabaseConfig;
  /** undefined: the embedded redis-server is started by the process that needs it. */
  redisUrl?: string;
  redisServerBin: string;
  queuePrefix: string;
  mail: { smtpUrl?: string; from: string; outboxDir: string };
  chromiumPath: string;
  logLevel: string;
  /** pretty: one readable line per request (development); json: pino lines (production, tests) */
  logFormat: 'pretty' | 'json';
  workerConcurrency: number;
  /** BullMQ lock duration and stalled-job check interval */
  jobLockMs: number;
  /** days before a deadline when units that have not submitted are reminded */
  reminderDays: number;
  auth: { sessionSecret?: string; bcryptCost: number; cookieSecure: boolean };
  /** Express "trust proxy": false (default, the TCP peer is the client), a hop count or an address list */
  trustProxy: false | number | string[];
  /** base of links in mail, without a trailing slash */
  publicUrl: string;
  /** group-robot notices (企业微信 / 钉钉) */
  webhooks: { allowLoopback: boolean; timeoutMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; value: unknown; message: string }[]) {
    super(
      '配置错误 (configuration error):\n' +
        problems.map((p) => `  ${p.variable}=${JSON.stringify(p.value)}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of ENV_NAMES) {
    if (source[key] !== undefined && source[key] !== '') raw[key] = source[key];
  }
  const env = plainToInstance(Env, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, forbidUnknownValues: true });
  const problems = errors.map((e) => ({
    variable: e.property,
    // an error message must not print a secret (it may end up in a log)
    value: SECRETS.has(e.property) ? '[已隐藏]' : raw[e.property],
    message: [...new Set(Object.values(e.constraints ?? {}))].join('; '),
  }));
  problems.push(...productionProblems(env));
  if (problems.length > 0) throw new ConfigError(problems);
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT },
    dataDir,
    database: parseDatabaseUrl(env.DATABASE_URL, dataDir),
    redisUrl: env.REDIS_URL,
    redisServerBin: env.REDIS_SERVER_BIN,
    queuePrefix: env.QUEUE_PREFIX,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, outboxDir: path.join(dataDir, 'outbox') },
    chromiumPath: env.CHROMIUM_PATH,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
    workerConcurrency: env.WORKER_CONCURRENCY,
    jobLockMs: env.JOB_LOCK_SECONDS * 1000,
    reminderDays: env.REMINDER_DAYS,
    auth: {
      sessionSecret: env.SESSION_SECRET,
      bcryptCost: env.BCRYPT_COST,
      cookieSecure: env.COOKIE_SECURE === 'true',
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
    webhooks: { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === 'true', timeoutMs: env.WEBHOOK_TIMEOUT_MS },
  };
}

function parseTrustProxy(value: string | undefined): AppConfig['trustProxy'] {
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((v) => v.trim());
}

/**
 * Production refuses to boot on settings that are only safe on one machine: without a fixed
 * SESSION_SECRET every process signs cookies with its own random key (sessions break across API
 * processes and restarts), and a short one can be guessed.
 */
function productionProblems(env: Env): ConfigError['problems'] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: ConfigError['problems'] = [];
  if (!env.SESSION_SECRET)
    problems.push({
      variable: 'SESSION_SECRET',
      value: undefined,
      message:
        '生产环境（NODE_ENV=production）必须设置，至少 32 个字符，例如 `openssl rand -hex 32` 的输出；所有 API 进程使用同一个值',
    });
  else if (env.SESSION_SECRET.length >= 32 && new Set(env.SESSION_SECRET).size < 10)
    problems.push({
      variable: 'SESSION_SECRET',
      value: '[已隐藏]',
      message: '太容易猜到（不同字符少于 10 个）：请用 `openssl rand -hex 32` 生成',
    });
  if (env.WEBHOOK_ALLOW_LOOPBACK === 'true')
    problems.push({
      variable: 'WEBHOOK_ALLOW_LOOPBACK',
      value: 'true',
      message: '只用于测试，生产环境不允许向本机地址发送群机器人通知',
    });
  return problems;
}

function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { driver: 'sqlite', file: path.join(dataDir, 'selfeval.sqlite') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return { driver: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  }
  // ?schema=name selects a PostgreSQL schema (search_path), e.g. one per test or per tenant
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (!schema) return { driver: 'postgres', url };
  parsed.searchParams.delete('schema');
  return { driver: 'postgres', url: parsed.toString(), schema };
}
