import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_QUEUES, freePort } from '@selfeval/jobs';
import { tempDir } from '../helpers/config';
import { alive } from '../helpers/processes';

const ROOT = path.join(__dirname, '../..');

/** The README's start command, as a user runs it (compiled; `npm test` builds first). */
describe('selfeval start (embedded default)', () => {
  it('boots on SQLite with its own redis-server, serves health, and leaves no process behind on SIGTERM', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'info',
      LOG_FORMAT: '',
      NODE_ENV: 'development',
      REDIS_URL: '',
      DATABASE_URL: '',
    };
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/selfeval.js'), 'start'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const deadline = Date.now() + 30_000;
    let body: { status?: string; queues?: { workers?: Record<string, number> } } = {};
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        body = await res.json();
        if (res.status === 200 && Object.values(body.queues?.workers ?? {}).every((n) => n > 0) && body.queues?.workers)
          break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect({ body, output }).toMatchObject({
      body: { status: 'ok', queues: { workers: Object.fromEntries(ALL_QUEUES.map((q) => [q, 1])) } },
    });
    expect(fs.existsSync(path.join(dataDir, 'selfeval.sqlite'))).toBe(true);

    // first start on an empty database: sample sheets and one account per role, each able to sign in
    for (let k = 0; k < 300 && !output.includes('user reset-password'); k++)
      await new Promise((r) => setTimeout(r, 100));
    const accounts = [...output.matchAll(/│ ([a-z]+) +│ ([A-Za-z0-9]{14}) +│/g)].map((m) => ({
      username: m[1],
      password: m[2],
    }));
    expect(accounts.map((a) => a.username)).toEqual(['admin', 'pingshen', 'tianbao', 'fuzeren']);
    const page = await fetch(`http://127.0.0.1:${port}/login`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const login = await fetch(`http://127.0.0.1:${port}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, username: 'admin', password: accounts[0].password, next: '/' }),
    });
    expect({ status: login.status, location: login.headers.get('location') }).toEqual({
      status: 303,
      location: '/password',
    });
    // logs for people: a few pretty boot lines, the account box after them, then one line per request
    // (the health polls above are not logged)
    for (let k = 0; k < 40 && !output.includes('POST /login'); k++) await new Promise((r) => setTimeout(r, 50));
    const boxAt = output.indexOf('┌');
    const bootLines = output
      .slice(0, boxAt)
      .split('\n')
      .filter((l) => l.trim());
    expect(bootLines.length).toBeLessThanOrEqual(12);
    expect(bootLines.filter((l) => l.startsWith('{'))).toEqual([]);
    const afterBox = output.slice(output.indexOf('┘', boxAt) + 1);
    expect(afterBox.split('\n').filter((l) => l.trim())).toEqual([
      expect.stringMatching(/INFO.*GET \/login 200 \d+ms$/),
      expect.stringMatching(/INFO.*POST \/login 303 \d+ms$/),
    ]);

    const redisPid = Number(fs.readFileSync(path.join(dataDir, 'redis/redis.pid'), 'utf8'));
    expect(alive(redisPid)).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(alive(redisPid)).toBe(false);
    expect(output).toContain('已启动');
  });
});
