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
];

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
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => ({
        variable: e.property,
        value: raw[e.property],
        message: [...new Set(Object.values(e.constraints ?? {}))].join('; '),
      })),
    );
  }
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
  };
}

function parseTrustProxy(value: string | undefined): AppConfig['trustProxy'] {
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((v) => v.trim());
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
