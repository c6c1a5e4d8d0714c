import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '@selfeval/config';
import { runDemo } from '../../apps/cli/src/commands/demo.command';
import { tempDir } from '../helpers/config';
import { pdfFonts, pdfText } from '../helpers/pdf';

const ROOT = path.join(__dirname, '../..');

/** The whole year on the embedded default: SQLite, a private redis-server, a real worker and Chromium. */
describe('selfeval demo', () => {
  const dataDir = tempDir();
  const out = path.join(tempDir(), 'pdf');
  let stdout = '';

  beforeAll(() => {
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin/selfeval.js'), 'demo', '--out', out, '--seed', 'test-1'],
      {
        encoding: 'utf8',
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', SMTP_URL: '', LOG_LEVEL: 'silent' },
        timeout: 240_000,
      },
    );
    stdout = r.stdout;
    expect({
      status: r.status,
      stderr: r.stderr
        .split('\n')
        .filter((l) => !l.includes('{'))
        .join('\n')
        .trim(),
    }).toEqual({ status: 0, stderr: '' });
  }, 260_000);

  it('prints a summary table and writes every PDF to --out', () => {
    expect(stdout).toMatch(/目标表\s*│\s*执行率\s*│\s*得分\s*│\s*等级\s*│\s*PDF/);
    expect(stdout).toContain('株洲市渌口区信访局');
    const summary = /(\d+) 张表，(\d+) 个 PDF 已写入 (.+)；已发送 (\d+) 封邮件/.exec(stdout)!;
    const [, sheets, pdfs, dir, mails] = summary;
    expect(Number(sheets)).toBe(23); // every sheet of the five seed documents
    expect(path.resolve(dir)).toBe(path.resolve(out));
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.pdf'));
    expect(files).toHaveLength(Number(pdfs));
    expect(Number(mails)).toBe(Number(pdfs));
    // 4 departments with report + table + Q2 monitoring, every project with table + Q2 monitoring
    expect(files.filter((f) => f.endsWith('部门整体支出绩效自评报告.pdf'))).toHaveLength(4);
    expect(files.filter((f) => f.endsWith('绩效运行监控表.pdf'))).toHaveLength(23);
  });

  it('mails every PDF once as an .eml file in the outbox (no SMTP_URL)', () => {
    const outbox = path.join(dataDir, 'demo', 'outbox');
    const emls = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(fs.readdirSync(out).length);
    const one = fs.readFileSync(path.join(outbox, emls[0]), 'utf8');
    expect(one).toMatch(/^To: unit-\w+@demo\.selfeval\.invalid/m);
    expect(one).toContain('application/pdf');
  });

  it('renders real documents: Chinese text, embedded TrueType fonts', () => {
    const report = fs
      .readdirSync(out)
      .find((f) => f.startsWith('株洲市渌口区信访局') && f.endsWith('部门整体支出绩效自评报告.pdf'))!;
    const pdf = fs.readFileSync(path.join(out, report));
    const text = pdfText(pdf);
    expect(text).toContain('四、部门整体支出绩效情况');
    expect(text).toContain('图1 部门整体支出分值与得分');
    expect(pdfFonts(pdf).filter((f) => f.type === 'Type 3')).toEqual([]);
  });

  it('is reproducible: the same seed gives the same scores', async () => {
    const config = { ...loadConfig({ DATA_DIR: tempDir(), LOG_LEVEL: 'silent' }) };
    const again = await runDemo(config, { out: path.join(tempDir(), 'pdf'), seed: 'test-1', quiet: true });
    const lines = stdout.split('\n');
    // grouped by unit, and narrow enough for a terminal (CJK characters take two columns)
    const width = (l: string) =>
      [...l].reduce((n, c) => n + (/[\u1100-\uffdc]/.test(c) && !/[─-╿]/.test(c) ? 2 : 1), 0);
    expect(Math.max(...lines.filter((l) => /^[┌│├└]/.test(l)).map(width))).toBeLessThanOrEqual(90);
    for (const row of again.rows) {
      const unitAt = lines.findIndex((l) => l.includes(`【${row.unit}】`));
      expect(unitAt).toBeGreaterThanOrEqual(0);
      const nextUnit = lines.findIndex((l, i) => i > unitAt && l.includes('【'));
      const line = lines
        .slice(unitAt, nextUnit < 0 ? undefined : nextUnit)
        .find((l) => l.includes(row.sheet.slice(0, 8)));
      expect({ sheet: row.sheet, line: line?.includes(` ${row.score} `) && line.includes(` ${row.grade} `) }).toEqual({
        sheet: row.sheet,
        line: true,
      });
    }
  }, 240_000);
});
