import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ALL_QUEUES } from '@selfeval/jobs';
import { describePg } from '../helpers/postgres';
import { Stack, startStack } from '../helpers/stack';

describePg('GET /api/health through the real app on PostgreSQL', () => {
  let stack: Stack;
  let app: NestExpressApplication;

  beforeAll(async () => {
    stack = await startStack({ embeddedRedis: true });
    app = stack.app;
  });
  afterAll(() => stack?.close());

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
    await stack.redis!.stop();
    const res = await request(app.getHttpServer()).get('/api/health').expect(503);
    expect(res.body.status).toBe('error');
    expect(res.body.database.ok).toBe(true);
    expect(res.body.redis.ok).toBe(false);
  });
});
