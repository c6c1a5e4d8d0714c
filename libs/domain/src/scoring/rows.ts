import { D, Dec } from './decimal';
import type { ReviewFlag, ScoringIndicatorInput, UnscoredRow } from './types';

/**
 * Which rows of a printed form are scored (docs/scoring.md §rows). A 其中… row, and in a bucket that
 * prints 分值 any row without one, is a breakdown: shown and kept, never scored. A parent row
 * followed by numbered children (1、2、…) whose 分值 (or, on forms without 分值, published 得分)
 * add up to its own repeats their sum: it is shown as a subtotal and its children are scored.
 */
const BREAKDOWN_NAME = /^\s*(其中|含[：:])/;
const CHILD_NAME = /^\s*(\d{1,2}\s*[、.．)）]|[（(]\d{1,2}[)）]|[①-⑳])/;

export interface RowPlan {
  scored: number[];
  unscored: UnscoredRow[];
}

const num = (v: string | undefined): Dec | null =>
  v !== undefined && /^\d+(\.\d+)?$/.test(v.trim()) ? new D(v.trim()) : null;

export function planRows(
  indicators: ScoringIndicatorInput[],
  formWeights: boolean,
  flags: ReviewFlag[],
  /** the bucket of a row: a row without 分值 is a breakdown only where its bucket prints 分值 */
  bucket: (ind: ScoringIndicatorInput) => string = () => '',
): RowPlan {
  const weighted = (i: ScoringIndicatorInput) => i.weight !== undefined && i.weight.trim() !== '';
  const anyWeight = indicators.some(weighted);
  const weightedBuckets = new Set(indicators.filter(weighted).map(bucket));
  const unscored = new Map<number, UnscoredRow>();
  const row = (i: number, role: UnscoredRow['role'], note: string): UnscoredRow => ({
    index: i,
    name: indicators[i].name,
    level1: indicators[i].level1,
    level2: indicators[i].level2,
    role,
    weight: indicators[i].weight ?? null,
    publishedScore: indicators[i].publishedScore ?? null,
    note,
  });
  indicators.forEach((ind, i) => {
    const noWeight = ind.weight === undefined || ind.weight.trim() === '';
    if (ind.breakdown || (BREAKDOWN_NAME.test(ind.name) && noWeight)) {
      unscored.set(i, row(i, 'breakdown', '其中项：展示并保留，不单独计分'));
    } else if (formWeights && weightedBuckets.has(bucket(ind)) && noWeight) {
      unscored.set(i, row(i, 'breakdown', '未印分值：展示并保留，不计分'));
      flags.push({
        code: 'UNWEIGHTED_ROW',
        indicator: i,
        message: `“${ind.name}”没有分值，按其中项展示、不计分，请评审人确认`,
      });
    }
  });
  // A parent repeating the sum of its numbered children.
  const measure = (i: number): Dec | null =>
    anyWeight ? num(indicators[i].weight) : num(indicators[i].publishedScore);
  for (let i = 0; i < indicators.length; i++) {
    if (unscored.has(i) || CHILD_NAME.test(indicators[i].name)) continue;
    const own = measure(i);
    if (!own || own.isZero()) continue;
    let sum = new D(0);
    let j = i + 1;
    const same = (k: number) =>
      indicators[k].level1 === indicators[i].level1 && indicators[k].level2 === indicators[i].level2;
    while (j < indicators.length && CHILD_NAME.test(indicators[j].name) && !unscored.has(j) && same(j)) {
      const m = measure(j);
      if (!m) break;
      sum = sum.plus(m);
      j++;
    }
    if (j > i + 2 && sum.eq(own)) {
      unscored.set(i, row(i, 'subtotal', `为下列 ${j - i - 1} 项之和：展示，不重复计分`));
      i = j - 1;
    }
  }
  const scored = indicators.map((_, i) => i).filter((i) => !unscored.has(i));
  return { scored, unscored: [...unscored.values()].sort((a, b) => a.index - b.index) };
}
