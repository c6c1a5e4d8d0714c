import IORedis, { RedisOptions } from 'ioredis';

/**
 * BullMQ workers need maxRetriesPerRequest: null (blocking commands must not time out);
 * producers keep it too so an enqueue waits through a short Redis restart instead of failing.
 */
export function createRedisConnection(url: string, extra: RedisOptions = {}): IORedis {
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}
