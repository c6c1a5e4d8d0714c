import type { TargetOp } from './interchange';

/**
 * Operators as published (docs/targets.md §Operators). normalizeText already folds full-width
 * forms (＞＝ → >=) and ≧/≦; here the look-alikes that need a decision, each with a warning.
 */
const LOOKALIKES: { re: RegExp; to: string; note: string }[] = [
  // ═ (box drawing) is what some provincial systems export for the "=" choice of the 指标性质
  // column: 永德县 2022 自评表 scores 政策知晓率 ═100% at 98% as 9/10 (proportional, not ≤).
  { re: /[═＝⩵]/g, to: '=', note: '“═”按“=”读取' },
  { re: /‹=|‹＝|≺=|=</g, to: '≤', note: '“‹=”“=<”按“≤”读取' },
  { re: /›=|›＝|≻=|=>/g, to: '≥', note: '“›=”“=>”按“≥”读取' },
  { re: /[‹≺]/g, to: '<', note: '“‹”按“<”读取' },
  { re: /[›≻]/g, to: '>', note: '“›”按“>”读取' },
  { re: /≯/g, to: '≤', note: '“≯”（不大于）按“≤”读取' },
  { re: /≮/g, to: '≥', note: '“≮”（不小于）按“≥”读取' },
];

export function foldLookalikes(text: string): { text: string; notes: string[] } {
  const notes: string[] = [];
  let out = text;
  for (const l of LOOKALIKES) {
    if (l.re.test(out)) {
      notes.push(l.note);
      out = out.replace(l.re, l.to);
    }
    l.re.lastIndex = 0;
  }
  return { text: out, notes };
}

/** Operator words right before the number, longest first. */
const WORDS: [string, TargetOp][] = (
  [
    ['大于或等于', '>='],
    ['大于等于', '>='],
    ['不低于', '>='],
    ['不少于', '>='],
    ['不小于', '>='],
    ['不得低于', '>='],
    ['不得少于', '>='],
    ['至少', '>='],
    ['≥', '>='],
    ['小于或等于', '<='],
    ['小于等于', '<='],
    ['不高于', '<='],
    ['不超过', '<='],
    ['不超出', '<='],
    ['不多于', '<='],
    ['不大于', '<='],
    ['不得超过', '<='],
    ['不得高于', '<='],
    ['控制在', '<='],
    ['至多', '<='],
    ['最多', '<='],
    ['≤', '<='],
    ['高于', '>'],
    ['多于', '>'],
    ['大于', '>'],
    ['超过', '>'],
    ['>', '>'],
    ['低于', '<'],
    ['少于', '<'],
    ['小于', '<'],
    ['<', '<'],
    ['达到', '='],
    ['等于', '='],
    ['=', '='],
  ] as [string, TargetOp][]
).sort((a, b) => b[0].length - a[0].length);

/** The operator a prefix ends with (资金使用≤, 不低于), and the prefix without it. */
export function trailingOp(prefix: string): { op: TargetOp; word: string; rest: string } | null {
  for (const [w, op] of WORDS) if (prefix.endsWith(w)) return { op, word: w, rest: prefix.slice(0, -w.length) };
  return null;
}

/** An operator word anywhere in prose (至少全年完成2次宣传): a weaker reading. */
export function opWordIn(prefix: string): TargetOp | null {
  for (const [w, op] of WORDS) if (w.length > 1 && prefix.includes(w)) return op;
  return null;
}

/** Words after the number and unit: 以上 / 及以上 / 以下 / 以内 / 之内 / 内. */
export function postOp(suffix: string): { op: TargetOp; length: number } | null {
  const m = /^(及其以上|及以上|以上|及其以下|及以下|以下|以内|之内|内|左右)/.exec(suffix);
  if (!m) return null;
  if (m[1] === '左右') return { op: '=', length: 2 };
  return { op: /上/.test(m[1]) ? '>=' : '<=', length: m[1].length };
}
