import fs from 'node:fs';
import path from 'node:path';
import { parseTarget } from './parse-target';

/**
 * Target strings copied from published 绩效目标表/自评表 (test/fixtures/targets/real-targets.tsv,
 * one source address per row) with the reading a person makes of them, written by hand.
 */
const TSV = path.join(__dirname, '../../../../test/fixtures/targets/real-targets.tsv');

interface Row {
  line: number;
  text: string;
  kind: string;
  op: string;
  value: string;
  unit: string;
  source: string;
  level2: string;
}

export function readRealTargets(file = TSV): Row[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').split('\n');
  expect(header.split('\t')).toEqual(['text', 'kind', 'op', 'value', 'unit', 'source', 'level2']);
  return lines
    .map((l, i) => ({ l, line: i + 2 }))
    .filter(({ l }) => l.trim() !== '')
    .map(({ l, line }) => {
      const [text, kind, op, value, unit, source, level2 = ''] = l.split('\t');
      return { line, text, kind, op, value, unit, source, level2 };
    });
}

const rows = readRealTargets();

describe('real target strings from published tables', () => {
  it('has at least 300 rows, each with a source address, from many tables', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    for (const r of rows) expect(r.source).toMatch(/^(https?:\/\/|demo\/seeds\/)/);
    const web = rows.filter((r) => /^https?:/.test(r.source));
    expect(new Set(web.map((r) => new URL(r.source).host)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(rows.map((r) => [r.line, r.text, r] as const))('line %i: %s', (_line, text, r) => {
    const level2 = r.level2 || undefined;
    const parsed = parseTarget(text, { level2, cost: !!level2 && /成本/.test(level2) });
    expect(parsed.targets).toHaveLength(1);
    const t = parsed.targets[0];
    const got =
      t.kind === 'qualitative'
        ? { kind: t.kind, op: '', value: '', unit: '' }
        : { kind: t.kind, op: t.op, value: t.value, unit: t.unit ?? '' };
    expect(got).toEqual({ kind: r.kind, op: r.op, value: r.value, unit: r.unit });
  });
});
