import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ALL_QUEUES, EmbeddedRedis } from '@selfeval/jobs';
import { createApi } from '../../apps/api/src/create-api';
import { testConfig } from '../helpers/config';
import { createPgSchema, describePg } from '../helpers/postgres';

describePg('GET /api/health through the real app on PostgreSQL', () => {
  let app: NestExpressApplication;
  let redis: EmbeddedRedis;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const pg = await createPgSchema();
    drop = pg.drop;
    const base = testConfig({ database: pg.db });
    redis = new EmbeddedRedis({ dataDir: base.dataDir });
    app = await createApi({ ...base, redisUrl: await redis.start() });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    await drop?.();
  });

  it('reports database, Redis and queues, and echoes a request id', async () => {
    const res = await request(app.getHttpServer()).get('/api/health').set('X-Request-Id', 'req-123').expect(200);
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.body).toMatchObject({
      status: 'ok',
      database: { ok: true, driver: 'postgres' },
      redis: { ok: true, pong: 'PONG' },
      queues: {
        ok: true,
        workers: Object.fromEntries(ALL_QUEUES.map((q) => [q, 0])),
        counts: { system: { waiting: 0 } },
      },
    });
  });

  it('makes up a request id when none (or a hostile one) is given', async () => {
    const res = await request(app.getHttpServer()).get('/api/health').set('X-Request-Id', '<script>').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 404 as JSON for unknown routes', async () => {
    const res = await request(app.getHttpServer()).get('/api/nope').expect(404);
    expect(res.body.statusCode).toBe(404);
  });

  it('answers 503 naming Redis when Redis is gone', async () => {
    await redis.stop();
    const res = await request(app.getHttpServer()).get('/api/health').expect(503);
    expect(res.body.status).toBe('error');
    expect(res.body.database.ok).toBe(true);
    expect(res.body.redis.ok).toBe(false);
  });
});
