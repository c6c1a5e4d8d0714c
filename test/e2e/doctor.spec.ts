import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDoctor } from '../../apps/cli/src/commands/doctor.command';
import { tempDir, testConfig } from '../helpers/config';

describe('selfeval doctor', () => {
  it('passes every check on this machine (Chromium launches, CJK fonts, Redis, database, poppler)', async () => {
    const config = testConfig({ database: { driver: 'sqlite', file: path.join(tempDir(), 'd.sqlite') } });
    const checks = await runDoctor(config);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'Node.js',
      '数据库',
      'Redis',
      'Chromium',
      '中文字体',
      'PDF 工具 (poppler)',
    ]);
    expect(checks.find((c) => c.name === 'Chromium')!.detail).toMatch(/Chrom/);
  });

  it('says how to fix a missing Chromium, an unreachable Redis and a missing redis-server', async () => {
    const base = testConfig({ database: { driver: 'sqlite', file: path.join(tempDir(), 'd.sqlite') } });
    const broken = await runDoctor({ ...base, chromiumPath: '/nonexistent/chromium', redisUrl: 'redis://127.0.0.1:1' });
    const byName = Object.fromEntries(broken.map((c) => [c.name, c]));
    expect(byName['Chromium']).toMatchObject({
      ok: false,
      fix: expect.stringContaining('apt-get install -y chromium'),
    });
    expect(byName['Redis']).toMatchObject({ ok: false, fix: expect.stringContaining('REDIS_URL') });
    const noBinary = await runDoctor({ ...base, redisUrl: undefined, redisServerBin: '/nonexistent/redis-server' });
    expect(noBinary.find((c) => c.name === 'Redis')).toMatchObject({
      ok: false,
      fix: expect.stringContaining('redis-server'),
    });
  });

  it('leaves an empty data directory empty: no database file is created by a check', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'selfeval.sqlite');
    const checks = await runDoctor(testConfig({ database: { driver: 'sqlite', file } }));
    expect(checks.find((c) => c.name === '数据库')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('尚不存在：第一次 selfeval start 时创建并建表'),
    });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(JSON.stringify(checks)).not.toContain('selfeval migrate');
  });
});
