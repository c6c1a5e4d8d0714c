import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const run = (input: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/selfeval.js'), 'parse-target', ...args], {
    input,
    encoding: 'utf8',
    // needs neither a database nor Redis: both point nowhere
    env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' },
  });

const rows = fs
  .readFileSync(path.join(__dirname, '../fixtures/targets/real-targets.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const [text, kind, op, value, unit, , level2 = ''] = l.split('\t');
    return { text, kind, op, value, unit, level2 };
  });

describe('selfeval parse-target --json (compiled CLI)', () => {
  it('reads every real target string as the fixture says a person reads it', () => {
    const r = run(rows.map((x) => (x.level2 ? `${x.text}\t${x.level2}` : x.text)).join('\n') + '\n', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(rows.length);
    const wrong = out
      .map((o, i) => {
        const t = o.targets[0];
        const got = [t.kind, t.op ?? '', t.value ?? '', t.unit ?? ''].join(' ');
        const want = [rows[i].kind, rows[i].op, rows[i].value, rows[i].unit].join(' ');
        return o.text === rows[i].text && o.targets.length === 1 && got === want
          ? null
          : `${rows[i].text}: ${got} ≠ ${want}`;
      })
      .filter(Boolean);
    expect(wrong).toEqual([]);
  });

  it('prints the documented shape and Chinese warnings', () => {
    const r = run('═100%\t成本指标\n10月底前\n180万\t成本指标\n3口\n有效\n', '--json');
    const [lookalike, date, wan, unknownUnit, text] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lookalike).toEqual({
      text: '═100%',
      targets: [{ kind: 'quantitative', op: '=', value: '100', unit: '%' }],
      warnings: [{ code: 'LOOKALIKE_OPERATOR', message: expect.stringContaining('“═”按“=”读取') }],
    });
    expect(date.targets).toEqual([{ kind: 'date', op: '<=', value: '--10-31', unit: null }]);
    expect(wan).toMatchObject({
      targets: [{ kind: 'quantitative', op: '<=', value: '180', unit: '万元' }],
      warnings: [{ code: 'AMBIGUOUS_UNIT' }],
    });
    expect(unknownUnit.targets[0]).toMatchObject({ kind: 'quantitative', value: '3', unit: '口' });
    expect(text.targets).toEqual([{ kind: 'qualitative', op: null, value: null, unit: null, text: '有效' }]);
  });

  it('survives hostile input: binary noise, very long lines, lone surrogates', () => {
    const noise = [
      '\u0000\u0001≥',
      '≥'.repeat(5000) + '5',
      '\ud800100%',
      '9'.repeat(400) + '万元',
      '—～—～',
      '1-2-3-4月',
    ];
    const r = run(noise.join('\n') + '\n', '--json');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(noise.length);
  });

  it('without --json prints one readable Chinese line per string', () => {
    const r = run('≥5 组\n2025年底\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('≥5 组 → 定量 >= 5 组\n2025年底 → 完成时限 <= 2025-12-31\n');
  });
});
