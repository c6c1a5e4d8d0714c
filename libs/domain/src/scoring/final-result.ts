import { D, round2 } from './decimal';
import { findProfile } from './profiles';
import type { SheetScore } from './types';

export interface FinalResult {
  total: string;
  grade: string;
  /** true when at least one reviewer score replaced a self-score */
  reviewed: boolean;
  /** bucket scores after reviewer scores, exact */
  buckets: Partial<Record<string, { points: string; score: string }>>;
}

/**
 * The result that counts (domain.md §4.8): reviewer scores, where given, replace the unit's
 * indicator scores; the profile's execution caps apply again; the total is rounded once.
 */
export function finalResult(score: SheetScore, reviewerScores: ReadonlyMap<number, string> = new Map()): FinalResult {
  if (score.total === null || score.grade === null) throw new Error('sheet has no score');
  if (!reviewerScores.size)
    return { total: score.total, grade: score.grade, reviewed: false, buckets: { ...score.buckets } };
  const profile = findProfile(score.profile.id, score.profile.version);
  if (!profile) throw new Error(`unknown profile ${score.profile.id} v${score.profile.version}`);
  const buckets: FinalResult['buckets'] = {};
  // A form without an execution score (分值 0) has no execution part and no cap.
  let total = new D(score.execution?.score ?? 0);
  for (const ind of score.indicators) {
    const s = new D(reviewerScores.get(ind.index) ?? ind.score);
    total = total.plus(s);
    const b = (buckets[ind.bucket] ??= { points: score.buckets[ind.bucket]?.points ?? '0', score: '0' });
    b.score = new D(b.score).plus(s).toFixed();
  }
  if (score.execution) {
    const rate = new D(score.execution.explanation.inputs['执行率']);
    for (const [below, max] of profile.executionCaps) {
      if (rate.lt(below) && total.gt(max)) {
        total = new D(max);
        break;
      }
    }
  }
  const rounded = round2(total);
  const band = profile.grades.find(([min]) => new D(rounded).gte(min));
  if (!band) throw new Error(`profile ${profile.id} has no grade for ${rounded}`);
  const grade = band[1];
  return { total: rounded, grade, reviewed: true, buckets };
}
