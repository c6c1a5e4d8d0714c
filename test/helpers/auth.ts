import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { UsersService } from '@selfeval/auth';
import type { Role } from '@selfeval/domain';

export const TEST_PASSWORD = 'Test-pass-2026';
export type Agent = ReturnType<typeof request.agent>;

/** A new account of `role` (unit-bound roles need unitCode), signed in through the real login route. */
export async function signedIn(
  app: INestApplication,
  role: Role = 'admin',
  opts: { unitCode?: string; displayName?: string; username?: string } = {},
) {
  const username = opts.username ?? `t-${role}-${randomBytes(3).toString('hex')}`;
  const { user } = await app.get(UsersService).create({
    username,
    displayName: opts.displayName ?? `测试${role}`,
    role,
    unitCode: opts.unitCode,
    password: TEST_PASSWORD,
  });
  const agent = await login(app, username, TEST_PASSWORD);
  return { agent, user };
}

/** An agent holding the session cookie and sending the CSRF token on every request. */
export async function login(app: INestApplication, username: string, password: string): Promise<Agent> {
  const agent = request.agent(app.getHttpServer());
  const { body: anon } = await agent.get('/api/auth/session').expect(200);
  const res = await agent.post('/api/auth/login').set('X-CSRF-Token', anon.csrfToken).send({ username, password });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  agent.set('X-CSRF-Token', res.body.csrfToken);
  return agent;
}
