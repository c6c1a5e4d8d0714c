/** Words a form label may break after; a line never breaks inside one of them. */
const WORDS = [
  '服务对象',
  '社会公众',
  '可持续',
  '社会效益',
  '经济效益',
  '生态效益',
  '满意度',
  '效益',
  '影响',
  '产出',
  '成本',
  '数量',
  '质量',
  '时效',
];

/**
 * 一级/二级指标 labels cut into pieces a line may break between ("服务对象满意度指标" →
 * 服务对象 | 满意度 | 指标): the template prints a break opportunity between pieces and
 * forbids breaks inside them, so "产出指/标" cannot happen.
 */
export function breakHints(label: string): string[] {
  const parts: string[] = [];
  let rest = label;
  while (rest) {
    if (rest === '指标') {
      parts.push(rest);
      break;
    }
    const word = WORDS.find((w) => rest.startsWith(w) && rest.length > w.length);
    if (word) {
      parts.push(word);
      rest = rest.slice(word.length);
    } else if (rest.endsWith('指标') && rest.length > 2) {
      parts.push(rest.slice(0, -2));
      rest = '指标';
    } else {
      parts.push(rest);
      break;
    }
  }
  return parts;
}

/** Consecutive equal labels merged: the first row of a run gets the run's length, the rest 0. */
export function mergeSpans(labels: string[]): number[] {
  const out = labels.map(() => 0);
  let start = 0;
  for (let i = 1; i <= labels.length; i++) {
    if (i === labels.length || labels[i] !== labels[start]) {
      out[start] = i - start;
      start = i;
    }
  }
  return out;
}

/** The 一级/二级指标 cells of an indicator table row, as the forms print them. */
export interface LevelCells {
  level1: string;
  /** rows this 一级指标 cell spans; 0 when covered by the cell above */
  level1Span: number;
  /** the label cut where a line may break ("服务对象|满意度|指标"), never inside a word */
  level1Parts: string[];
  level2: string;
  level2Span: number;
  level2Parts: string[];
}

/** The rows with their 一级/二级指标 cells merged; 二级指标 merge only within their 一级指标. */
export function withLevelCells<T extends { level1: string; level2: string }>(rows: T[]): (T & LevelCells)[] {
  const l1 = mergeSpans(rows.map((r) => r.level1));
  const l2 = mergeSpans(rows.map((r) => `${r.level1}\u0000${r.level2}`));
  return rows.map((r, k) => ({
    ...r,
    level1Span: l1[k],
    level1Parts: breakHints(r.level1),
    level2Span: l2[k],
    level2Parts: breakHints(r.level2),
  }));
}
