import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importTextDocument } from '@selfeval/domain';
import { tempDir } from '../helpers/config';
import { seedFile } from '../helpers/fixtures';

const ROOT = path.join(__dirname, '../..');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/selfeval.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
  });

describe('selfeval import (compiled CLI)', () => {
  it('--json prints { sheets, warnings } in the interchange format and stores nothing', () => {
    const dataDir = tempDir();
    const r = run(['import', '--json', seedFile('004')], { DATA_DIR: dataDir });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['sheets', 'warnings']);
    const expected = importTextDocument(fs.readFileSync(seedFile('004'), 'utf8'));
    expect(out.sheets).toEqual(expected.sheets);
    expect(out.warnings.map((w: { code: string }) => w.code)).toEqual(expected.warnings.map((w) => w.code));
    expect(fs.existsSync(path.join(dataDir, 'selfeval.sqlite'))).toBe(false);
  });

  it('stores into the embedded SQLite file, then recognises the same file as unchanged', () => {
    const dataDir = tempDir();
    const first = run(['import', seedFile('000')], { DATA_DIR: dataDir });
    expect(first.stdout).toContain('新建 2 张');
    const again = run(['import', seedFile('000')], { DATA_DIR: dataDir });
    expect(again.stdout).toContain('未变化 2 张');
  });

  it('fails with a Chinese error and exit code 2 on a GBK file, storing nothing', () => {
    const dataDir = tempDir();
    const gbk = path.join(dataDir, '目标表-gbk.txt');
    fs.writeFileSync(gbk, Buffer.from([0xcf, 0xee, 0xc4, 0xbf, 0xc3, 0xfb, 0xb3, 0xc6]));
    const r = run(['import', seedFile('000'), gbk], { DATA_DIR: dataDir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('导入失败，未保存任何内容');
    expect(r.stderr).toContain('目标表-gbk.txt');
    expect(fs.existsSync(path.join(dataDir, 'selfeval.sqlite'))).toBe(false);
  });
});
