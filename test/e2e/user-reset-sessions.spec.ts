import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApi } from '../../apps/api/src/create-api';
import { signedIn } from '../helpers/auth';
import { testConfig } from '../helpers/config';

const ROOT = path.join(__dirname, '../..');

/**
 * `selfeval user reset-password` while the API runs on the same database: the user's signed-in
 * session ends at once (session_version), like the administrators' reset through the API.
 */
describe('selfeval user reset-password ends the sessions of the user', () => {
  const config = testConfig();
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createApi(config);
    await app.init();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('a session signed in before the CLI reset is refused afterwards; another user keeps theirs', async () => {
    if (config.database.driver !== 'sqlite') throw new Error('this test shares the SQLite file with the CLI');
    const { agent: victim } = await signedIn(app, 'admin', { username: 'lost-pass' });
    const { agent: bystander } = await signedIn(app, 'admin');
    await victim.get('/api/targets/sheets').expect(200);

    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/selfeval.js'), 'user', 'reset-password', 'lost-pass'], {
      env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: '', BCRYPT_COST: '4', NODE_ENV: 'development' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('该用户已登录的会话均已失效');

    const refused = await victim.get('/api/targets/sheets');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');
    await bystander.get('/api/targets/sheets').expect(200);
  }, 60_000);
});
