import * as path from 'node:path';
import { ConfigError, loadConfig } from './load-config';

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
    const problemsOf = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message).not.toContain(env.SESSION_SECRET ?? '\u0000');
        return (e as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
      }
    };
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
});
