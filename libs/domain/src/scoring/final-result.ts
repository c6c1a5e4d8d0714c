import { D, round2 } from './decimal';
import { findProfile } from './profiles';
import type { SheetScore } from './types';

export interface FinalResult {
  /** null while the sheet is not graded (see `ungraded`) */
  total: string | null;
  grade: string | null;
  /** why there is no total and grade, in the words the pages and documents print; null when graded */
  ungraded: string | null;
  /** true when at least one reviewer score replaced a self-score */
  reviewed: boolean;
  /** bucket scores after reviewer scores, exact */
  buckets: Partial<Record<string, { points: string; score: string }>>;
}

const BUCKET_WORD: Record<string, string> = { output: '产出', effect: '效益' };

/**
 * Why a scored sheet has no total and no grade, as a short state ("未评分：缺少产出、效益指标"), or null
 * when it has them. A department sheet without 产出 or 效益 indicators is not graded (docs/scoring.md);
 * a sheet the engine refused has errors instead of scores.
 */
export function ungradedReason(score: Pick<SheetScore, 'total' | 'gradable' | 'errors' | 'indicators'>) {
  if (score.errors?.length) return '未评分：打分失败，见错误说明';
  // results stored before `gradable` existed were all graded
  if (score.total !== null && score.gradable !== false) return null;
  if (score.gradable === false) {
    const present = new Set<string>(score.indicators.filter((i) => !i.notApplicable).map((i) => i.bucket));
    const missing = ['output', 'effect'].filter((b) => !present.has(b)).map((b) => BUCKET_WORD[b]);
    return `未评分：缺少${missing.length ? missing.join('、') : '产出/效益'}指标，补充后评分`;
  }
  return '未评分';
}

/**
 * The result that counts (domain.md §4.8): reviewer scores, where given, replace the unit's
 * indicator scores; the profile's execution caps apply again; the total is rounded once. A sheet
 * that is not graded keeps its rows (reviewed too) and gets no total and no grade, with the reason.
 * A form without an execution score (分值 0, e.g. 产出 40 / 效益 40 / 满意度 20) has no execution part and no cap.
 */
export function finalResult(score: SheetScore, reviewerScores: ReadonlyMap<number, string> = new Map()): FinalResult {
  const ungraded = ungradedReason(score);
  const reviewed = score.indicators.some((ind) => reviewerScores.has(ind.index));
  if (!ungraded && !reviewed)
    return { total: score.total, grade: score.grade, ungraded: null, reviewed: false, buckets: { ...score.buckets } };
  const profile = findProfile(score.profile.id, score.profile.version);
  if (!profile) throw new Error(`unknown profile ${score.profile.id} v${score.profile.version}`);
  const buckets: FinalResult['buckets'] = {};
  let total = new D(score.execution?.score ?? 0);
  for (const ind of score.indicators) {
    const s = new D(reviewerScores.get(ind.index) ?? ind.score);
    total = total.plus(s);
    const b = (buckets[ind.bucket] ??= { points: score.buckets[ind.bucket]?.points ?? '0', score: '0' });
    b.score = new D(b.score).plus(s).toFixed();
  }
  if (ungraded) return { total: null, grade: null, ungraded, reviewed, buckets };
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
  return { total: rounded, grade: band[1], ungraded: null, reviewed: true, buckets };
}
