import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

const trimmedOrUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable selfeval reads. Defaults boot with nothing set: SQLite file and a
 * private redis-server under DATA_DIR, .eml files instead of SMTP.
 */
export class Env {
  @IsIn(['development', 'production', 'test'], { message: '应为 development、production 或 test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: '必须是 1–65535 的整数' })
  @Min(1, { message: '必须是 1–65535 的整数' })
  @Max(65535, { message: '必须是 1–65535 的整数' })
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  @IsString()
  DATA_DIR = 'data';

  /** Empty: SQLite at DATA_DIR/selfeval.sqlite. `sqlite:<path>` or `postgres://…`. */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @Matches(/^(postgres(ql)?:\/\/.+|sqlite:.+)$/, { message: '应为 postgres://… 或 sqlite:<文件路径>' })
  DATABASE_URL?: string;

  /** Empty: start a private redis-server on a free loopback port. */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: '应为 redis://… 或 rediss://…' })
  REDIS_URL?: string;

  /**
   * Redis Cluster instead of REDIS_URL: its nodes as `host:port,host:port` (any reachable masters; the
   * client learns the rest). Checked in loadConfig together with the other Redis variables.
   */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @IsString()
  REDIS_CLUSTER_NODES?: string;

  /** Redis Sentinel instead of REDIS_URL: the sentinels as `host:port,host:port`, with REDIS_SENTINEL_NAME. */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @IsString()
  REDIS_SENTINELS?: string;

  /** The master name the sentinels watch (`sentinel monitor <name> …`). */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]+$/, { message: '应为哨兵配置中的主节点名称（字母、数字、. _ -），例如 mymaster' })
  REDIS_SENTINEL_NAME?: string;

  @IsString()
  REDIS_SERVER_BIN = 'redis-server';

  /** BullMQ key prefix. Braces make it a Redis Cluster hash tag, so one queue's keys share a slot. */
  @Matches(/^[A-Za-z0-9_{}-]+$/, { message: '只能包含字母、数字、_ - { }' })
  QUEUE_PREFIX = '{selfeval}';

  @Transform(trimmedOrUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: '应为 smtp://… 或 smtps://…' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'selfeval <selfeval@localhost>';

  /** Seconds one process holds a mail it is sending; another takes it over only after this (a dead sender's mail). */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: '必须是 5–3600 的整数' })
  @Min(5, { message: '必须是 5–3600 的整数' })
  @Max(3600, { message: '必须是 5–3600 的整数' })
  MAIL_LEASE_SECONDS = 120;

  @IsString()
  CHROMIUM_PATH = '/usr/bin/chromium';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: '应为 fatal、error、warn、info、debug、trace 或 silent',
  })
  LOG_LEVEL = 'info';

  /** Empty: pretty (one line per request) in development, JSON lines in production and tests. */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @IsIn(['pretty', 'json'], { message: '应为 pretty 或 json' })
  LOG_FORMAT?: 'pretty' | 'json';

  /**
   * Group-robot webhooks (企业微信 / 钉钉) are user input: https only. `true` also allows
   * http://127.0.0.1 — for tests with a local receiver, never in production.
   */
  @IsIn(['true', 'false'], { message: '应为 true 或 false' })
  WEBHOOK_ALLOW_LOOPBACK = 'false';

  /** Milliseconds a webhook POST may take before it counts as failed (and BullMQ retries the job). */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: '必须是 500–60000 的整数' })
  @Min(500, { message: '必须是 500–60000 的整数' })
  @Max(60000, { message: '必须是 500–60000 的整数' })
  WEBHOOK_TIMEOUT_MS = 5000;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: '必须是 0–60 的整数' })
  @Min(0, { message: '必须是 0–60 的整数' })
  @Max(60, { message: '必须是 0–60 的整数' })
  REMINDER_DAYS = 3;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: '必须是 1–64 的整数' })
  @Min(1, { message: '必须是 1–64 的整数' })
  @Max(64, { message: '必须是 1–64 的整数' })
  WORKER_CONCURRENCY = 2;

  /** Signs session cookies. Unset: a random secret per process (sessions end at restart; set it in production). */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @MinLength(32, { message: '至少 32 个字符' })
  SESSION_SECRET?: string;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: '必须是 4–15 的整数' })
  @Min(4, { message: '必须是 4–15 的整数' })
  @Max(15, { message: '必须是 4–15 的整数' })
  BCRYPT_COST = 12;

  /** Session cookies only over HTTPS (set behind a TLS-terminating proxy). */
  @IsIn(['true', 'false'], { message: '应为 true 或 false' })
  COOKIE_SECURE = 'false';

  /** Address users open in a browser, for links in mail (password reset). Empty: http://HOST:PORT. */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: '应为 http://… 或 https://…' })
  PUBLIC_URL?: string;

  /**
   * Which proxies may set X-Forwarded-For (Express "trust proxy"): empty = none, so the client address
   * is the TCP peer and a forged header cannot dodge the login limiter. Behind a reverse proxy name it:
   * `loopback`, an address or subnet list (`10.0.0.1, 172.16.0.0/12`), or a hop count (`1`).
   */
  @Transform(trimmedOrUndefined)
  @IsOptional()
  @Matches(
    /^(\d{1,2}|(loopback|linklocal|uniquelocal|[0-9A-Fa-f.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9A-Fa-f.:]+(\/\d{1,3})?))*)$/,
    {
      message: '应为空（不信任代理）、代理跳数（如 1）或地址列表（如 loopback, 10.0.0.0/8）',
    },
  )
  TRUST_PROXY?: string;

  /** Seconds a worker holds a job before others may take it over (a killed worker's jobs return after this). */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: '必须是 2–600 的整数' })
  @Min(2, { message: '必须是 2–600 的整数' })
  @Max(600, { message: '必须是 2–600 的整数' })
  JOB_LOCK_SECONDS = 30;
}
