import * as readline from 'node:readline';
import { parseTarget, Target } from '@selfeval/domain';

/** One line of `selfeval parse-target --json`: the reading of one 指标值 string. */
export interface TargetReading {
  text: string;
  targets: { kind: Target['kind']; op: string | null; value: string | null; unit: string | null; text?: string }[];
  warnings: { code: string; message: string }[];
}

/**
 * Reads one input line: the 指标值 text, optionally followed by a tab and the row's 二级指标
 * (成本指标 makes a bare amount a cap, 时效指标 makes "10月" a deadline).
 */
export function readTargetLine(line: string): TargetReading {
  const [text, level2] = line.split('\t');
  const level2Name = level2?.trim() || undefined;
  const parsed = parseTarget(text, { level2: level2Name, cost: !!level2Name && /成本/.test(level2Name) });
  return {
    text,
    targets: parsed.targets.map((t) =>
      t.kind === 'qualitative'
        ? { kind: t.kind, op: null, value: null, unit: null, text: t.text }
        : { kind: t.kind, op: t.op, value: t.value, unit: t.unit },
    ),
    warnings: parsed.warnings.map((w) => ({ code: w.code, message: w.message })),
  };
}

const KIND_LABEL: Record<Target['kind'], string> = {
  quantitative: '定量',
  qualitative: '定性',
  date: '完成时限',
  period: '实施期间',
};

function describe(r: TargetReading): string {
  const parts = r.targets.map((t) =>
    t.kind === 'qualitative'
      ? `${KIND_LABEL[t.kind]}“${t.text}”`
      : `${KIND_LABEL[t.kind]} ${t.op} ${t.value}${t.unit ? ` ${t.unit}` : ''}`,
  );
  const warn = r.warnings.map((w) => `\n  提示：${w.message}`).join('');
  return `${r.text} → ${parts.join('；')}${warn}`;
}

/**
 * `selfeval parse-target [--json]`: reads 指标值 strings on standard input, one per line, and prints
 * how each is read (one JSON object per line with --json). Blank lines are skipped. Never fails on
 * a string: what cannot be read is reported as qualitative with a warning.
 */
export async function parseTargetCommand(opts: { json?: boolean }, input: NodeJS.ReadableStream = process.stdin) {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  for await (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const r = readTargetLine(line);
    process.stdout.write(`${opts.json ? JSON.stringify(r) : describe(r)}\n`);
  }
  return 0;
}
