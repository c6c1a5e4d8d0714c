import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDataSource } from '@selfeval/db';
import { freePort } from '@selfeval/jobs';
import { tempDir } from '../helpers/config';

const ROOT = path.join(__dirname, '../..');

/**
 * Issue 12: a cookie replayed from the log signed in. The real `selfeval start` at LOG_LEVEL=debug
 * goes through sign-in, a password change, a multipart form (CSRF token in the query string), a
 * JSON write with the CSRF header and sign-out; no line of its output may hold a cookie, a session
 * id, a CSRF token, a password hash or the new password.
 */
describe('logs never contain secrets', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  it('a full signed-in run at LOG_LEVEL=debug', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(ROOT, 'bin/selfeval.js'), 'start'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        NODE_ENV: 'development',
        REDIS_URL: '',
        DATABASE_URL: '',
        BCRYPT_COST: '4',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    for (let k = 0; k < 600 && !output.includes('user reset-password'); k++)
      await new Promise((r) => setTimeout(r, 100));
    const adminPassword = /│ admin +│ ([A-Za-z0-9]{14}) +│/.exec(output)![1];

    const secrets = new Set<string>();
    let cookie = '';
    const send = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(base + url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie },
      });
      for (const c of res.headers.getSetCookie()) {
        const value = c.split(';')[0].split('=')[1];
        if (!value) continue;
        cookie = `selfeval.sid=${value}`;
        secrets.add(value);
        // s:<session id>.<signature>, URL-encoded
        const [sid, signature] = decodeURIComponent(value).slice(2).split('.');
        secrets.add(sid).add(signature);
      }
      return res;
    };
    const csrfOf = async (page: string) => {
      const html = await (await send(page)).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
      secrets.add(token);
      return token;
    };
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

    let csrf = await csrfOf('/login');
    const login = await send('/login', form({ _csrf: csrf, username: 'admin', password: adminPassword, next: '/' }));
    expect(login.headers.get('location')).toBe('/password');
    csrf = await csrfOf('/password');
    const newPassword = 'Neues-Passwort-2026-xyz';
    const changed = await send(
      '/password',
      form({ _csrf: csrf, currentPassword: adminPassword, newPassword, confirmPassword: newPassword }),
    );
    expect(changed.status).toBe(303);

    // multipart form: the token travels in the query string
    csrf = await csrfOf('/admin/import');
    const upload = new FormData();
    const seed = fs.readdirSync(path.join(ROOT, 'demo/seeds')).sort()[0];
    upload.append('files', new Blob([fs.readFileSync(path.join(ROOT, 'demo/seeds', seed))]), seed);
    const imported = await send(`/admin/import?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: upload });
    // parsed and checked, then the preview (the token not left in the address the user ends on)
    expect(imported.status).toBe(303);
    const preview = imported.headers.get('location')!;
    expect(preview).toMatch(/^\/admin\/import\?preview=[0-9a-f]+$/);
    csrf = await csrfOf(preview);
    const confirmed = await send(
      '/admin/import/confirm',
      form({ _csrf: csrf, token: new URL(preview, 'http://x').searchParams.get('preview')! }),
    );
    expect(confirmed.status).toBe(201);
    expect(await confirmed.text()).toContain('导入完成');

    // JSON API with the header token
    const session = (await (await send('/api/auth/session')).json()) as { csrfToken: string };
    secrets.add(session.csrfToken);
    const db = createDataSource({ driver: 'sqlite', file: path.join(dataDir, 'selfeval.sqlite') });
    await db.initialize();
    const [{ code: unitCode }] = (await db.query('select code from unit order by code limit 1')) as { code: string }[];
    const contact = await send(`/api/units/${encodeURIComponent(unitCode)}/contact`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ email: 'office@example.cn' }),
    });
    expect(contact.status).toBe(200);
    expect((await send('/admin/queues')).status).toBe(200);
    expect((await send('/logout', form({ _csrf: session.csrfToken }))).status).toBe(303);

    const hashes = ((await db.query('select password_hash as h from user_account')) as { h: string }[]).map((r) => r.h);
    await db.destroy();
    expect(hashes.length).toBeGreaterThanOrEqual(4);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // the run was logged at debug, one line per request
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    const levels = new Set(lines.map((l) => (JSON.parse(l) as { level: number }).level));
    expect(levels.has(20)).toBe(true);
    expect(lines.filter((l) => l.includes('"msg":"POST /password 303'))).toHaveLength(1);
    expect(output).toContain('_csrf=%5B%E5%B7%B2%E9%9A%90%E8%97%8F%5D'); // [已隐藏], URL-encoded

    const leaks = [...secrets, ...hashes, newPassword].filter((s) => s.length >= 8).filter((s) => output.includes(s));
    expect(leaks).toEqual([]);
    expect(output).not.toMatch(/\$2[aby]\$\d\d\$/);
    expect(secrets.size).toBeGreaterThanOrEqual(8);
  }, 120_000);
});
