import IORedis, { Cluster, RedisOptions } from 'ioredis';
import type { AppConfig } from '@selfeval/config';

/** A client of whichever Redis deployment the configuration names: one server, a sentinel-watched master, a cluster. */
export type RedisClient = IORedis | Cluster;

/** The part of the configuration that says where Redis is. */
export type RedisSettings = Pick<AppConfig, 'redisUrl' | 'redisCluster' | 'redisSentinel'>;

export interface ConnectionOptions {
  /** a one-off check (doctor, embedded start-up): connect on connect(), no reconnecting, one try per command */
  probe?: boolean;
}

/** Whether the configuration names a Redis deployment; without one the embedded redis-server is started. */
export function hasExternalRedis(settings: RedisSettings): boolean {
  return !!(settings.redisUrl || settings.redisCluster?.length || settings.redisSentinel);
}

/** Where the client connects, for people (doctor, errors); never a password. */
export function describeRedis(settings: RedisSettings): string {
  const list = (nodes: { host: string; port: number }[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (settings.redisCluster?.length) return `Redis 集群 ${list(settings.redisCluster)}`;
  if (settings.redisSentinel)
    return `Redis 哨兵 ${list(settings.redisSentinel.sentinels)}（主节点 ${settings.redisSentinel.name}）`;
  if (settings.redisUrl) {
    const url = new URL(settings.redisUrl);
    if (url.password) url.password = '***';
    return url.toString();
  }
  return '嵌入式 redis-server';
}

/**
 * The one place that makes Redis clients (BullMQ queues, workers and events, sessions, the login
 * limiter, health, doctor, the queue board all use what this returns or its duplicate()).
 *
 * BullMQ workers need maxRetriesPerRequest: null (blocking commands must not time out); producers
 * keep it too so an enqueue waits through a short Redis restart or failover instead of failing.
 * A URL alone (tests, the embedded server) gives a plain client.
 */
export function createRedisConnection(target: string, options?: ConnectionOptions): IORedis;
export function createRedisConnection(target: RedisSettings, options?: ConnectionOptions): RedisClient;
export function createRedisConnection(target: string | RedisSettings, options: ConnectionOptions = {}): RedisClient {
  const settings: RedisSettings = typeof target === 'string' ? { redisUrl: target } : target;
  const common: RedisOptions = options.probe
    ? { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, enableReadyCheck: true }
    : { maxRetriesPerRequest: null, enableReadyCheck: true };

  if (settings.redisCluster?.length) {
    return new Cluster(settings.redisCluster, {
      // options of each node connection; BullMQ reads maxRetriesPerRequest from here
      redisOptions: { maxRetriesPerRequest: common.maxRetriesPerRequest, enableReadyCheck: true },
      lazyConnect: options.probe,
      enableReadyCheck: true,
      ...(options.probe ? { clusterRetryStrategy: () => null } : {}),
    });
  }
  if (settings.redisSentinel) {
    return new IORedis({
      ...common,
      sentinels: settings.redisSentinel.sentinels,
      name: settings.redisSentinel.name,
      // after a failover: follow the sentinels' +switch-master at once; a write that met the demoted (read-only)
      // master reconnects and is sent again to the new one
      failoverDetector: true,
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
      ...(options.probe ? { sentinelRetryStrategy: () => null } : {}),
    });
  }
  if (!settings.redisUrl)
    throw new Error('REDIS_URL is not set and no embedded redis-server was started before the app');
  return new IORedis(settings.redisUrl, common);
}
