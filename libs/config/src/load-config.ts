import * as path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Env } from './env.schema';

/** Every variable selfeval reads (the optional ones have no default, so list them by hand). */
export const ENV_NAMES = [
  ...Object.keys(new Env()),
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'SMTP_URL',
  'SESSION_SECRET',
  'TRUST_PROXY',
  'LOG_FORMAT',
];

const SECRETS = new Set(['SESSION_SECRET']);

export type DatabaseConfig = { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string; schema?: string };

/** One Redis server, cluster node or sentinel. */
export interface RedisNode {
  host: string;
  port: number;
}

export interface AppConfig {
  env: Env['NODE_ENV'];
  http: { host: string; port: number };
  dataDir: string;
  database: DatabaseConfig;
  /**
   * At most one of redisUrl, redisCluster and redisSentinel is set; none: the embedded redis-server is
   * started by the process that needs it. Clients are made only by createRedisConnection (libs/jobs).
   */
  redisUrl?: string;
  /** REDIS_CLUSTER_NODES: every Redis client is an ioredis Cluster seeded with these nodes */
  redisCluster?: RedisNode[];
  /** REDIS_SENTINELS + REDIS_SENTINEL_NAME: the master is found through the sentinels */
  redisSentinel?: { sentinels: RedisNode[]; name: string };
  redisServerBin: string;
  queuePrefix: string;
  mail: { smtpUrl?: string; from: string; outboxDir: string; leaseMs: number };
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
  const redis = redisTopology(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT },
    dataDir,
    database: parseDatabaseUrl(env.DATABASE_URL, dataDir),
    redisUrl: env.REDIS_URL,
    ...redis,
    redisServerBin: env.REDIS_SERVER_BIN,
    queuePrefix: env.QUEUE_PREFIX,
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      outboxDir: path.join(dataDir, 'outbox'),
      leaseMs: env.MAIL_LEASE_SECONDS * 1000,
    },
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

/** `host:port, host:port` → nodes; undefined when any entry is not host:port with a port 1–65535. */
export function parseRedisNodes(value: string): RedisNode[] | undefined {
  const nodes: RedisNode[] = [];
  for (const entry of value.split(',').map((e) => e.trim())) {
    // a host name or IPv4 address, or an IPv6 address in brackets
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(entry);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) return undefined;
    nodes.push({ host: m[1].replace(/^\[(.*)\]$/, '$1'), port });
  }
  return nodes;
}

/**
 * Which Redis deployment: one server (REDIS_URL), a cluster or a sentinel-watched master; at most one.
 * On a cluster every BullMQ key of a queue must hash to one slot, so the queue prefix must be a hash tag.
 */
function redisTopology(env: Env, problems: ConfigError['problems']): Pick<AppConfig, 'redisCluster' | 'redisSentinel'> {
  const chosen = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((k) => env[k]);
  if (chosen.length > 1)
    problems.push({
      variable: chosen.join(' + '),
      // REDIS_URL may carry a password: name the variables, not their values
      value: '[多项已设置]',
      message: 'REDIS_URL、REDIS_CLUSTER_NODES 和 REDIS_SENTINELS 只能设置其中一个（单机、集群或哨兵）',
    });
  const list = (variable: 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS', example: string) => {
    const nodes = parseRedisNodes(env[variable] ?? '');
    if (!nodes)
      problems.push({
        variable,
        value: env[variable],
        message: `应为逗号分隔的 host:port 列表（端口 1–65535），例如 ${example}`,
      });
    return nodes;
  };
  if (env.REDIS_CLUSTER_NODES) {
    const nodes = list('REDIS_CLUSTER_NODES', '10.0.0.11:7000,10.0.0.12:7000,10.0.0.13:7000');
    if (!/^\{[^{}]+\}/.test(env.QUEUE_PREFIX))
      problems.push({
        variable: 'QUEUE_PREFIX',
        value: env.QUEUE_PREFIX,
        message: '使用 Redis 集群时必须以花括号哈希标签开头，例如 {selfeval}：同一队列的键须落在同一个哈希槽',
      });
    return nodes ? { redisCluster: nodes } : {};
  }
  if (env.REDIS_SENTINELS) {
    const sentinels = list('REDIS_SENTINELS', '10.0.0.21:26379,10.0.0.22:26379,10.0.0.23:26379');
    if (!env.REDIS_SENTINEL_NAME)
      problems.push({
        variable: 'REDIS_SENTINEL_NAME',
        value: undefined,
        message: '设置 REDIS_SENTINELS 时必须同时设置主节点名称（哨兵配置 sentinel monitor 中的名称），例如 mymaster',
      });
    return sentinels && env.REDIS_SENTINEL_NAME ? { redisSentinel: { sentinels, name: env.REDIS_SENTINEL_NAME } } : {};
  }
  if (env.REDIS_SENTINEL_NAME)
    problems.push({
      variable: 'REDIS_SENTINEL_NAME',
      value: env.REDIS_SENTINEL_NAME,
      message: '只与 REDIS_SENTINELS 一起使用',
    });
  return {};
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
