import * as path from 'node:path';
import { ConfigError, loadConfig } from './load-config';

/** The problems loadConfig names for `env` (none: it loads), one `VARIABLE: message` each; never the secret itself. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).not.toContain(env.SESSION_SECRET ?? '\u0000');
    return (e as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
}

describe('loadConfig', () => {
  it('boots with nothing set: SQLite under DATA_DIR, embedded Redis, .eml outbox', () => {
    const c = loadConfig({});
    expect(c.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(c.trustProxy).toBe(false);
    expect(c.database).toEqual({ driver: 'sqlite', file: path.resolve('data/selfeval.sqlite') });
    expect(c.redisUrl).toBeUndefined();
    expect(c.mail.smtpUrl).toBeUndefined();
    expect(c.mail.outboxDir).toBe(path.resolve('data/outbox'));
    expect(c.queuePrefix).toBe('{selfeval}');
  });

  it('reads PostgreSQL, Redis and SMTP URLs and numbers', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/selfeval',
      REDIS_URL: 'redis://redis:6379',
      SMTP_URL: 'smtp://relay:25',
      PORT: '8080',
      WORKER_CONCURRENCY: '4',
    });
    expect(c.database).toEqual({ driver: 'postgres', url: 'postgres://u@db:5432/selfeval' });
    expect(c.redisUrl).toBe('redis://redis:6379');
    expect(c.mail.smtpUrl).toBe('smtp://relay:25');
    expect(c.http.port).toBe(8080);
    expect(c.workerConcurrency).toBe(4);
  });

  it('accepts sqlite:<file> and treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db', REDIS_URL: '' })).toMatchObject({
      database: { driver: 'sqlite', file: '/tmp/x.db' },
      redisUrl: undefined,
    });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', QUEUE_PREFIX: 'a:b', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'QUEUE_PREFIX']);
    expect((error as Error).message).toContain('PORT="eighty"');
    expect((error as Error).message).toContain('必须是 1–65535 的整数');
  });

  it('builds mail links from PUBLIC_URL, else from HOST and PORT', () => {
    expect(loadConfig({}).publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ PUBLIC_URL: 'https://jxzp.example.gov.cn/' }).publicUrl).toBe('https://jxzp.example.gov.cn');
    expect(() => loadConfig({ PUBLIC_URL: 'jxzp.example' })).toThrow(/PUBLIC_URL/);
  });

  it('trusts no proxy unless TRUST_PROXY names one', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY="everyone"/);
  });

  it('refuses production without a strong SESSION_SECRET, and never prints the secret', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: 生产环境（NODE_ENV=production）必须设置，至少 32 个字符/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'short-secret' })).toEqual([
      'SESSION_SECRET: 至少 32 个字符',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(40) })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: 太容易猜到/),
    ]);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        SESSION_SECRET: 'x'.repeat(31) + 'abcdefghij',
        WEBHOOK_ALLOW_LOOPBACK: 'true',
      }),
    ).toEqual([expect.stringMatching(/^WEBHOOK_ALLOW_LOOPBACK: 只用于测试/)]);
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: '0123456789abcdef0123456789abcdef' })).toEqual([]);
    // development and tests keep booting with nothing set (a random secret per process)
    expect(problemsOf({})).toEqual([]);
  });

  it('logs pretty lines in development and JSON elsewhere unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig({}).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  describe('Redis deployment', () => {
    it('reads a cluster from REDIS_CLUSTER_NODES (spaces and IPv6 in brackets allowed)', () => {
      const c = loadConfig({ REDIS_CLUSTER_NODES: ' redis-1:7000, 10.0.0.12:7001 ,[fd00::13]:7002' });
      expect(c.redisCluster).toEqual([
        { host: 'redis-1', port: 7000 },
        { host: '10.0.0.12', port: 7001 },
        { host: 'fd00::13', port: 7002 },
      ]);
      expect(c.redisUrl).toBeUndefined();
      expect(c.redisSentinel).toBeUndefined();
    });

    it('reads sentinels and the master name', () => {
      expect(loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'mymaster' })).toMatchObject({
        redisSentinel: {
          sentinels: [
            { host: 's1', port: 26379 },
            { host: 's2', port: 26379 },
          ],
          name: 'mymaster',
        },
      });
      expect(loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' })).not.toHaveProperty('redisCluster');
    });

    it('refuses a node list that is not host:port, naming the variable and showing an example', () => {
      for (const bad of ['redis-1', 'redis-1:', 'redis-1:70000', 'redis-1:7000,', 'redis://redis-1:7000', 'a b:1'])
        expect(problemsOf({ REDIS_CLUSTER_NODES: bad })).toEqual([
          'REDIS_CLUSTER_NODES: 应为逗号分隔的 host:port 列表（端口 1–65535），例如 10.0.0.11:7000,10.0.0.12:7000,10.0.0.13:7000',
        ]);
      expect(problemsOf({ REDIS_SENTINELS: 's1:0', REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
        expect.stringMatching(/^REDIS_SENTINELS: 应为逗号分隔的 host:port 列表/),
      ]);
    });

    it('on a cluster, needs a queue prefix that is a hash tag (one queue, one slot)', () => {
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: 'selfeval' })).toEqual([
        expect.stringMatching(/^QUEUE_PREFIX: 使用 Redis 集群时必须以花括号哈希标签开头，例如 \{selfeval\}/),
      ]);
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: 'x{selfeval}' })).toHaveLength(1);
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: '{}selfeval' })).toHaveLength(1);
      // the default is one
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'r:7000' })).toEqual([]);
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: '{province-43}' })).toEqual([]);
      // a single server takes any prefix
      expect(problemsOf({ REDIS_URL: 'redis://r:6379', QUEUE_PREFIX: 'selfeval' })).toEqual([]);
    });

    it('takes one deployment only, and a sentinel setup needs both variables', () => {
      expect(problemsOf({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'r:7000' })).toEqual([
        'REDIS_URL + REDIS_CLUSTER_NODES: REDIS_URL、REDIS_CLUSTER_NODES 和 REDIS_SENTINELS 只能设置其中一个（单机、集群或哨兵）',
      ]);
      expect(problemsOf({ REDIS_SENTINELS: 's1:26379' })).toEqual([
        expect.stringMatching(/^REDIS_SENTINEL_NAME: 设置 REDIS_SENTINELS 时必须同时设置主节点名称/),
      ]);
      expect(problemsOf({ REDIS_SENTINEL_NAME: 'mymaster' })).toEqual([
        'REDIS_SENTINEL_NAME: 只与 REDIS_SENTINELS 一起使用',
      ]);
      expect(problemsOf({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'my master' })).toEqual([
        expect.stringMatching(/^REDIS_SENTINEL_NAME: 应为哨兵配置中的主节点名称/),
      ]);
    });
  });
});
