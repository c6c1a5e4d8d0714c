import type { INestApplication } from '@nestjs/common';
import { UsersService } from '../../libs/auth/src';
import type { Role } from '../../libs/domain/src';

/** An account signed in through the real login route: the headers autocannon sends (cookie + CSRF token). */
export async function benchSession(
  app: INestApplication,
  baseUrl: string,
  role: Role = 'admin',
  unitCode?: string,
): Promise<Record<string, string>> {
  const username = `bench-${role}-${Math.random().toString(36).slice(2, 8)}`;
  const password = 'Bench-pass-2026';
  await app.get(UsersService).create({ username, displayName: '压测', role, unitCode, password });
  const first = await fetch(`${baseUrl}/api/auth/session`);
  const cookie = first.headers.get('set-cookie')!.split(';')[0];
  const { csrfToken } = (await first.json()) as { csrfToken: string };
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`bench login failed: ${login.status} ${await login.text()}`);
  const session = login.headers.get('set-cookie')!.split(';')[0];
  const body = (await login.json()) as { csrfToken: string };
  return { cookie: session, 'x-csrf-token': body.csrfToken };
}
