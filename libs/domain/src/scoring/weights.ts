import { D, Dec } from './decimal';
import { Bucket, matchTemplateFamily, profileLabel, ScoringProfile } from './profiles';
import type { ReviewFlag, ScoringError, ScoringIndicatorInput, ScoringInput } from './types';

export const BUCKET_NAMES: Record<Bucket, string> = {
  execution: '预算执行率',
  output: '产出指标',
  effect: '效益指标',
  satisfaction: '满意度指标',
  decision: '决策指标',
  management: '管理指标',
};

/** Which bucket an indicator counts in (domain rules §4.1). */
export function bucketOf(ind: Pick<ScoringIndicatorInput, 'level1' | 'level2'>, profile: ScoringProfile): Bucket {
  if (/满意/.test(ind.level1) || /满意/.test(ind.level2)) return profile.satisfactionBucket;
  if (/效益|效果/.test(ind.level1)) return 'effect';
  if (/决策/.test(ind.level1)) return 'decision';
  if (/管理/.test(ind.level1)) return 'management';
  return 'output'; // 产出, and 成本 as its own 一级 shares the 产出 bucket
}

export interface WeightPlan {
  /** weight per scored row index; 0 for a not-applicable row */
  weights: Map<number, Dec>;
  /** points per bucket as scored (form totals or the profile's) */
  points: Partial<Record<Bucket, Dec>>;
  members: Map<Bucket, number[]>;
  /** null when the form has no execution score */
  executionWeight: Dec | null;
}

/** Even split to 2 decimals, the remainder on the last (§4.2). */
export function evenSplit(total: Dec, n: number): Dec[] {
  if (n === 0) return [];
  const each = total.div(n).toDecimalPlaces(2, D.ROUND_DOWN);
  return Array.from({ length: n }, (_, k) => (k === n - 1 ? total.minus(each.times(n - 1)) : each));
}

function parseWeight(w: string, i: number, errors: ScoringError[]): Dec {
  if (!/^\d+(\.\d+)?$/.test(w.trim())) {
    errors.push({ field: `indicators[${i}].weight`, message: `分值“${w}”应为非负数` });
    return new D(0);
  }
  return new D(w.trim());
}

const given = (ind: ScoringIndicatorInput) => ind.weight !== undefined && ind.weight.trim() !== '';
const printedWeight = (ind: ScoringIndicatorInput): string => ind.weight ?? '';

/**
 * Weights of the scored rows (§4.2). Under `totals: 'form'` the printed 分值 are the weights and the
 * bucket totals are whatever they add up to; a departure from the profile is flagged. Otherwise the
 * profile's bucket points hold: unit weights must add up to them, or the bucket is split evenly.
 */
export function planWeights(
  input: ScoringInput,
  scored: number[],
  profile: ScoringProfile,
  errors: ScoringError[],
  flags: ReviewFlag[],
): WeightPlan {
  const inds = input.indicators;
  const formTotals = input.totals === 'form';
  const members = new Map<Bucket, number[]>();
  for (const i of scored) {
    const b = bucketOf(inds[i], profile);
    members.set(b, [...(members.get(b) ?? []), i]);
  }
  const printed = scored.some((i) => given(inds[i]));
  const explicitExecution =
    input.executionWeight !== undefined && input.executionWeight.trim() !== ''
      ? parseExecutionWeight(input.executionWeight, errors)
      : undefined;

  const context: WeightContext = { input, members, profile, explicitExecution, errors, flags };
  if (formTotals && printed) return formWeights(context);

  if (formTotals && scored.length)
    flags.push({
      code: 'WEIGHTS_NOT_PRINTED',
      message: `表中未列分值，按评分方案“${profileLabel(profile)}”的一级指标分值均分`,
    });
  return profileWeights(context);
}

/** What both ways of weighing (printed 分值, or the profile's buckets) work from. */
interface WeightContext {
  input: ScoringInput;
  /** the scored rows of each bucket */
  members: Map<Bucket, number[]>;
  profile: ScoringProfile;
  /** the 预算执行率 weight the unit gave; undefined when it gave none */
  explicitExecution: Dec | null | undefined;
  errors: ScoringError[];
  flags: ReviewFlag[];
}

function parseExecutionWeight(w: string, errors: ScoringError[]): Dec | null {
  if (!/^\d+(\.\d+)?$/.test(w.trim())) {
    errors.push({ field: 'executionWeight', message: `预算执行率分值“${w}”应为非负数` });
    return null;
  }
  const d = new D(w.trim());
  return d.isZero() ? null : d;
}

function formWeights(context: WeightContext): WeightPlan {
  const { input, members, profile, explicitExecution, errors, flags } = context;
  const inds = input.indicators;
  const weights = new Map<number, Dec>();
  const points: Partial<Record<Bucket, Dec>> = {};
  // A bucket without any 分值 (a stored sheet whose unit weighed only some buckets) takes the profile's points.
  const unweighted = [...members.keys()].filter((b) => !members.get(b)?.some((i) => given(inds[i])));
  const merged: ReviewFlag[] = [];
  const fallback = unweighted.length ? profilePoints(members, profile, merged) : {};
  // the 满意度 points merged into their fallback bucket count only where that bucket takes the profile's points
  if (unweighted.includes(profile.satisfactionFallback)) flags.push(...merged);
  for (const [b, idx] of members) {
    if (unweighted.includes(b)) {
      const p = fallback[b];
      if (p === undefined) {
        for (const i of idx) errors.push(noProfilePoints(inds[i], i, profile));
        continue;
      }
      points[b] = p;
      const applicable = idx.filter((i) => !inds[i].notApplicable);
      evenSplit(p, applicable.length).forEach((w, k) => weights.set(applicable[k], w));
      for (const i of idx) if (!weights.has(i)) weights.set(i, new D(0));
      flags.push({
        code: 'BUCKET_WEIGHTS_FROM_PROFILE',
        message: `${BUCKET_NAMES[b]}未填分值，按评分方案“${profileLabel(profile)}”的 ${p.toFixed()} 分均分`,
      });
      continue;
    }
    const ws = idx.map((i) => parseWeight(printedWeight(inds[i]), i, errors));
    const sum = ws.reduce((s, w) => s.plus(w), new D(0));
    points[b] = sum;
    // Not-applicable rows give their points to the others in the bucket, in proportion.
    const applicable = idx.filter((i) => !inds[i].notApplicable);
    const applicableSum = applicable.reduce((s, i) => s.plus(ws[idx.indexOf(i)]), new D(0));
    idx.forEach((i, k) =>
      weights.set(i, inds[i].notApplicable || applicableSum.isZero() ? new D(0) : ws[k].times(sum).div(applicableSum)),
    );
  }
  const indicatorPoints = Object.values(points).reduce((s: Dec, p) => s.plus(p ?? 0), new D(0));
  let executionWeight: Dec | null;
  if (explicitExecution !== undefined) executionWeight = explicitExecution;
  // indicators printed to 100 leave no room for an execution score; points taken from the profile say nothing of it
  else if (indicatorPoints.eq(100) && !unweighted.length) {
    executionWeight = null;
    flags.push({ code: 'NO_EXECUTION_SCORE', message: '各指标分值已合计 100，表中没有预算执行率得分' });
  } else executionWeight = profile.buckets.execution ? new D(profile.buckets.execution) : null;

  const formBuckets: Partial<Record<Bucket, string>> = {};
  if (executionWeight) formBuckets.execution = executionWeight.toFixed();
  for (const [b, p] of Object.entries(points) as [Bucket, Dec][]) formBuckets[b] = p.toFixed();
  const differs = (Object.keys({ ...formBuckets, ...profile.buckets }) as Bucket[]).some(
    (b) => !new D(formBuckets[b] ?? 0).eq(profile.buckets[b] ?? 0),
  );
  if (differs) {
    const family = matchTemplateFamily(formBuckets);
    const show = (t: Partial<Record<Bucket, string>>) =>
      (Object.entries(t) as [Bucket, string][]).map(([b, p]) => `${BUCKET_NAMES[b]} ${p}`).join('、');
    flags.push({
      code: 'BUCKET_TOTALS_DIFFER',
      message:
        `表内一级指标分值为 ${show(formBuckets)}，与评分方案“${profileLabel(profile)}”的 ${show(profile.buckets)} 不同，按表内分值评分` +
        (family ? `（与“${family.name}”模板一致）` : '（不属于已知模板）'),
    });
  }
  const all = indicatorPoints.plus(executionWeight ?? 0);
  if (!all.eq(100)) flags.push({ code: 'POINTS_NOT_100', message: `表内分值合计 ${all.toFixed()}，不是 100` });
  return { weights, points, members, executionWeight };
}

function profileWeights(context: WeightContext): WeightPlan {
  const { input, members, profile, explicitExecution, errors, flags } = context;
  const inds = input.indicators;
  const points = profilePoints(members, profile, flags);
  for (const [b, idx] of members) {
    if (points[b] === undefined) {
      for (const i of idx) errors.push(noProfilePoints(inds[i], i, profile));
      members.delete(b);
    }
  }
  for (const [b, p] of Object.entries(points) as [Bucket, Dec][]) {
    if (!members.get(b)?.some((i) => !inds[i].notApplicable)) {
      flags.push({
        code: 'BUCKET_EMPTY',
        message: `${BUCKET_NAMES[b]}没有可评分的指标，${p.toFixed()} 分需评审人评定`,
      });
    }
  }
  const weights = new Map<number, Dec>();
  for (const [b, idx] of members) {
    const applicable = idx.filter((i) => !inds[i].notApplicable);
    const withWeight = idx.filter((i) => given(inds[i]));
    const bucketPoints = points[b] ?? new D(0);
    if (withWeight.length) {
      if (withWeight.length !== idx.length) {
        errors.push({
          field: `indicators[${idx.find((i) => !given(inds[i]))}].weight`,
          message: `${BUCKET_NAMES[b]}内的指标须全部填写分值或全部不填（其中项请写“其中”开头）`,
        });
        continue;
      }
      const sum = idx.reduce((s, i) => s.plus(parseWeight(printedWeight(inds[i]), i, errors)), new D(0));
      if (!sum.eq(bucketPoints)) {
        errors.push({
          field: `indicators[${idx[0]}].weight`,
          message: `${BUCKET_NAMES[b]}各指标分值合计 ${sum.toFixed()}，应为 ${bucketPoints.toFixed()}`,
        });
        continue;
      }
      const applicableSum = applicable.reduce((s, i) => s.plus(new D(printedWeight(inds[i]))), new D(0));
      for (const i of applicable)
        weights.set(
          i,
          applicableSum.isZero() ? new D(0) : new D(printedWeight(inds[i])).times(bucketPoints).div(applicableSum),
        );
    } else {
      evenSplit(bucketPoints, applicable.length).forEach((w, k) => weights.set(applicable[k], w));
    }
    for (const i of idx) if (!weights.has(i)) weights.set(i, new D(0));
  }
  const executionWeight =
    explicitExecution !== undefined
      ? explicitExecution
      : profile.buckets.execution
        ? new D(profile.buckets.execution)
        : null;
  return { weights, points, members, executionWeight };
}

/**
 * The profile's points per bucket; a sheet without 满意度 indicators gives those points to the
 * profile's fallback bucket (flagged).
 */
function profilePoints(
  members: Map<Bucket, number[]>,
  profile: ScoringProfile,
  flags: ReviewFlag[],
): Partial<Record<Bucket, Dec>> {
  const points: Partial<Record<Bucket, Dec>> = {};
  for (const [b, p] of Object.entries(profile.buckets) as [Bucket, string][])
    if (b !== 'execution') points[b] = new D(p);
  const satisfactionPoints = points[profile.satisfactionBucket];
  if (
    !members.get(profile.satisfactionBucket)?.length &&
    satisfactionPoints &&
    profile.satisfactionBucket !== profile.satisfactionFallback
  ) {
    points[profile.satisfactionFallback] = (points[profile.satisfactionFallback] ?? new D(0)).plus(satisfactionPoints);
    flags.push({
      code: 'BUCKET_EMPTY',
      message: `没有满意度指标，满意度 ${satisfactionPoints.toFixed()} 分并入${BUCKET_NAMES[profile.satisfactionFallback]}`,
    });
    delete points[profile.satisfactionBucket];
  }
  return points;
}

const noProfilePoints = (ind: ScoringIndicatorInput, i: number, profile: ScoringProfile): ScoringError => ({
  field: `indicators[${i}]`,
  message: `“${ind.name}”的一级指标“${ind.level1}”在评分方案“${profileLabel(profile)}”中没有分值`,
});
