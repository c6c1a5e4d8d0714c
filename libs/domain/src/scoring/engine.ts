import type { QuantitativeTarget } from '../targets/interchange';
import { readActual } from './actual';
import { scoreDeadline } from './date-target';
import { D, Dec, round2, show } from './decimal';
import { draftExecution, draftIndicator } from './drafts';
import { Bucket, findProfile, QualitativeBand, ScoringProfile } from './profiles';
import type {
  ExecutionScore,
  IndicatorScore,
  ReviewFlag,
  ScoringError,
  ScoringIndicatorInput,
  ScoringInput,
  SheetScore,
} from './types';

const GRADE_ALIASES: Record<string, string> = {
  达成: '达成年度指标',
  达成年度指标: '达成年度指标',
  完成: '达成年度指标',
  部分达成: '部分达成年度指标并具有一定效果',
  部分达成年度指标并具有一定效果: '部分达成年度指标并具有一定效果',
  未达成: '未达成年度指标且效果较差',
  未达成年度指标且效果较差: '未达成年度指标且效果较差',
};

/** Which bucket an indicator counts in (domain.md §4.1). */
export function bucketOf(ind: Pick<ScoringIndicatorInput, 'level1' | 'level2'>, profile: ScoringProfile): Bucket {
  if (/满意/.test(ind.level1) || /满意/.test(ind.level2)) return profile.satisfactionBucket;
  if (/效益/.test(ind.level1)) return 'effect';
  if (/决策/.test(ind.level1)) return 'decision';
  if (/管理/.test(ind.level1)) return 'management';
  return 'output'; // 产出, and 成本 as its own 一级 shares the 产出 bucket
}

/**
 * Scores one sheet under a profile (domain.md §4). Exact decimals throughout; the total is rounded
 * once. Problems with the input are returned as errors (Chinese, naming the field) and no total.
 */
export function scoreSheet(input: ScoringInput): SheetScore {
  const errors: ScoringError[] = [];
  const flags: ReviewFlag[] = [];
  const profile = findProfile(input.profile, input.profileVersion);
  if (!profile) {
    return empty(input, [{ field: 'profile', message: `未知的评分方案“${input.profile}”` }]);
  }

  // ---- weights per bucket (§4.2) --------------------------------------------------------------
  const points: Partial<Record<Bucket, Dec>> = {};
  for (const [b, p] of Object.entries(profile.buckets)) if (b !== 'execution') points[b as Bucket] = new D(p!);
  const members = new Map<Bucket, number[]>();
  input.indicators.forEach((ind, i) => {
    const b = bucketOf(ind, profile);
    if (points[b] === undefined) {
      errors.push({
        field: `indicators[${i}]`,
        message: `“${ind.name}”的一级指标“${ind.level1}”在评分方案 ${profile.id} 中没有分值`,
      });
      return;
    }
    members.set(b, [...(members.get(b) ?? []), i]);
  });
  if (
    !members.get(profile.satisfactionBucket)?.length &&
    points[profile.satisfactionBucket] &&
    profile.satisfactionBucket !== profile.satisfactionFallback
  ) {
    points[profile.satisfactionFallback] = (points[profile.satisfactionFallback] ?? new D(0)).plus(
      points[profile.satisfactionBucket]!,
    );
    flags.push({
      code: 'BUCKET_EMPTY',
      message: `没有满意度指标，满意度 ${points[profile.satisfactionBucket]!.toFixed()} 分并入${BUCKET_NAMES[profile.satisfactionFallback]}`,
    });
    delete points[profile.satisfactionBucket];
  }
  for (const b of Object.keys(points) as Bucket[]) {
    if (!members.get(b)?.some((i) => !input.indicators[i].notApplicable)) {
      flags.push({
        code: 'BUCKET_EMPTY',
        message: `${BUCKET_NAMES[b]}没有可评分的指标，${points[b]!.toFixed()} 分需评审人评定`,
      });
    }
  }
  const weights = new Map<number, Dec>();
  for (const [b, idx] of members) {
    const applicable = idx.filter((i) => !input.indicators[i].notApplicable);
    const given = idx.filter((i) => input.indicators[i].weight !== undefined);
    const bucketPoints = points[b]!;
    if (given.length) {
      if (given.length !== idx.length) {
        errors.push({
          field: `indicators[${idx.find((i) => input.indicators[i].weight === undefined)}].weight`,
          message: `${BUCKET_NAMES[b]}内的指标须全部填写分值或全部不填`,
        });
        continue;
      }
      const sum = idx.reduce((s, i) => s.plus(parseWeight(input.indicators[i].weight!, i, errors)), new D(0));
      if (!sum.eq(bucketPoints)) {
        errors.push({
          field: `indicators[${idx[0]}].weight`,
          message: `${BUCKET_NAMES[b]}各指标分值合计 ${sum.toFixed()}，应为 ${bucketPoints.toFixed()}`,
        });
        continue;
      }
      // Not-applicable indicators give their points to the others in proportion.
      const applicableSum = applicable.reduce((s, i) => s.plus(new D(input.indicators[i].weight!)), new D(0));
      for (const i of applicable)
        weights.set(
          i,
          applicableSum.isZero() ? new D(0) : new D(input.indicators[i].weight!).times(bucketPoints).div(applicableSum),
        );
    } else {
      for (const [i, w] of evenSplit(bucketPoints, applicable.length).map((w, k) => [applicable[k], w] as const))
        weights.set(i, w);
    }
    for (const i of idx) if (!weights.has(i)) weights.set(i, new D(0));
  }

  // ---- execution (§4.3) ------------------------------------------------------------------------
  const execution = scoreExecution(input, profile, errors);

  // ---- indicators (§4.4, §4.5) ----------------------------------------------------------------
  const indicators: IndicatorScore[] = [];
  input.indicators.forEach((ind, i) => {
    const w = weights.get(i);
    if (w === undefined) return;
    indicators.push(scoreIndicator(ind, i, w, bucketOf(ind, profile), profile, errors));
  });

  if (errors.length) return { ...empty(input, errors), profile: { id: profile.id, version: profile.version }, flags };

  // ---- total, cap, grade (§4.6) --------------------------------------------------------------
  const buckets: SheetScore['buckets'] = {};
  for (const b of Object.keys(points) as Bucket[]) {
    const sum = indicators.filter((s) => s.bucket === b).reduce((acc, s) => acc.plus(exact.get(s)!), new D(0));
    buckets[b] = { points: points[b]!.toFixed(), score: show(sum) };
  }
  let total = indicators.reduce((acc, s) => acc.plus(exact.get(s)!), new D(0));
  if (execution) total = total.plus(exact.get(execution)!);
  let cap: string | null = null;
  if (execution) {
    const rate = new D(execution.explanation.inputs['执行率']);
    for (const [below, max] of profile.executionCaps) {
      if (rate.lt(below) && total.gt(max)) {
        cap = max;
        total = new D(max);
        break;
      }
    }
  }
  const rounded = round2(total);
  const grade = profile.grades.find(([min]) => new D(rounded).gte(min))![1];
  flags.push(...reviewFlags(input, indicators, execution, rounded));
  return {
    profile: { id: profile.id, version: profile.version },
    execution,
    indicators,
    buckets,
    totalExact: total.toFixed(),
    total: rounded,
    cap,
    grade,
    flags,
    errors: [],
  };
}

// Exact scores live here, beside the displayed strings, so the total sums exact values.
const exact = new WeakMap<object, Dec>();

const BUCKET_NAMES: Record<Bucket, string> = {
  execution: '预算执行率',
  output: '产出指标',
  effect: '效益指标',
  satisfaction: '满意度指标',
  decision: '决策指标',
  management: '管理指标',
};

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

function scoreExecution(input: ScoringInput, profile: ScoringProfile, errors: ScoringError[]): ExecutionScore | null {
  const w = profile.buckets.execution;
  if (!w) return null;
  const adjustedRaw = input.budget.adjusted ?? input.budget.total;
  const spentRaw = input.budget.spent;
  const num = (v: string | undefined, field: string, label: string): Dec | null => {
    if (v === undefined || !/^-?\d+(\.\d+)?$/.test(String(v).trim())) {
      errors.push({ field, message: `${label}“${v ?? ''}”应为数字（万元）` });
      return null;
    }
    return new D(String(v).trim());
  };
  const adjusted = num(adjustedRaw, 'budget.adjusted', '全年预算数');
  const spent = num(spentRaw, 'budget.spent', '全年执行数');
  if (!adjusted || !spent) return null;
  if (adjusted.lte(0))
    errors.push({ field: 'budget.adjusted', message: `全年预算数 ${adjusted.toFixed()} 万元应大于 0` });
  if (spent.lt(0)) errors.push({ field: 'budget.spent', message: `全年执行数 ${spent.toFixed()} 万元不能为负数` });
  if (adjusted.lte(0) || spent.lt(0)) return null;
  const weight = new D(w);
  const rate = spent.div(adjusted);
  const score = weight.times(D.min(rate, 1));
  const over = spent.gt(adjusted);
  const needsExplanation = rate.lt(profile.executionExplainBelow) || over;
  const explanationMissing = needsExplanation && !input.executionExplanation?.trim();
  const result: ExecutionScore = {
    rate: show(rate.times(100)),
    weight: weight.toFixed(),
    score: show(score),
    explanation: {
      formula: '分值 × min(全年执行数 ÷ 全年预算数, 1)',
      inputs: {
        全年预算数: adjusted.toFixed(),
        全年执行数: spent.toFixed(),
        执行率: rate.toFixed(),
        分值: weight.toFixed(),
      },
      adjustments: over ? ['执行数超过预算数，须说明原因'] : [],
    },
    needsExplanation,
    explanationMissing,
    draft: explanationMissing
      ? draftExecution({
          rate,
          weight,
          score,
          adjusted,
          spent,
          over,
          plan: input.spendingPlan,
          quarterly: input.quarterlySpent,
        })
      : null,
  };
  exact.set(result, score);
  return result;
}

function scoreIndicator(
  ind: ScoringIndicatorInput,
  index: number,
  w: Dec,
  bucket: Bucket,
  profile: ScoringProfile,
  errors: ScoringError[],
): IndicatorScore {
  const base = { index, name: ind.name, level1: ind.level1, level2: ind.level2, bucket, weight: show(w) };
  const finish = (
    score: Dec,
    completion: Dec | null,
    explanation: IndicatorScore['explanation'],
    reasons: string[],
  ): IndicatorScore => {
    const needsExplanation = reasons.length > 0;
    const explanationMissing = needsExplanation && !ind.explanation?.trim();
    const r: IndicatorScore = {
      ...base,
      score: show(score),
      completionRate: completion ? show(completion.times(100)) : null,
      notApplicable: !!ind.notApplicable,
      explanation,
      needsExplanation,
      reasons,
      explanationMissing,
      draft: explanationMissing ? draftIndicator({ ind, weight: w, score, completion, reasons }) : null,
    };
    exact.set(r, score);
    return r;
  };

  if (ind.notApplicable) {
    return finish(new D(0), null, { formula: '不适用：剔除并按比例调整同类指标分值', inputs: {}, adjustments: [] }, [
      '指标不适用（触发条件未发生），须说明',
    ]);
  }
  const t = ind.target;
  if (t.kind === 'qualitative') return scoreQualitative(ind, index, w, profile, errors, finish);
  if (ind.actual === undefined || ind.actual.trim() === '') {
    errors.push({ field: `indicators[${index}].actual`, message: `“${ind.name}”缺少实际完成值` });
    return finish(new D(0), null, { formula: '', inputs: {}, adjustments: [] }, []);
  }
  if (t.kind === 'date' || t.kind === 'period') {
    const r = scoreDeadline(t, ind.actual, w);
    if (!r.ok) {
      errors.push({ field: `indicators[${index}].actual`, message: `“${ind.name}”：${r.message}` });
      return finish(new D(0), null, { formula: '', inputs: {}, adjustments: [] }, []);
    }
    return finish(r.score, r.completion, r.explanation, r.reasons);
  }
  const a = readActual(ind.actual, t);
  if (!a.ok) {
    errors.push({ field: `indicators[${index}].actual`, message: `“${ind.name}”：${a.message}` });
    return finish(new D(0), null, { formula: '', inputs: {}, adjustments: [] }, []);
  }
  return scoreQuantitative(t, a.value, a.note, w, profile, finish);
}

function scoreQuantitative(
  t: QuantitativeTarget,
  a: Dec,
  note: string | undefined,
  w: Dec,
  profile: ScoringProfile,
  finish: (s: Dec, c: Dec | null, e: IndicatorScore['explanation'], r: string[]) => IndicatorScore,
): IndicatorScore {
  const target = new D(t.value);
  const inputs = { 目标值: `${t.op}${t.value}${t.unit ?? ''}`, 实际值: a.toFixed(), 分值: w.toFixed() };
  const adjustments = note ? [note] : [];
  const reasons: string[] = [];
  let score: Dec;
  let completion: Dec | null;
  let formula: string;
  if (target.isZero() && (t.op === '<=' || t.op === '=' || t.op === '<')) {
    formula = '目标为 0：实际 ≤ 0 得满分，否则 0 分';
    score = a.lte(0) ? w : new D(0);
    completion = null;
  } else if (t.op === '<=' || t.op === '<') {
    if (a.lte(target)) {
      formula = '实际 ≤ 目标：满分';
      score = w;
      completion = new D(1);
    } else if (profile.lessEqual === 'linear') {
      formula = '分值 × (2×目标 − 实际) ÷ 目标（实际 ≥ 2×目标 为 0）';
      score = w.times(D.max(target.times(2).minus(a), 0)).div(target);
      completion = target.div(a);
    } else {
      formula = '分值 × 目标 ÷ 实际';
      score = w.times(target).div(a);
      completion = target.div(a);
    }
  } else if (target.isZero()) {
    formula = '目标为 0：实际 ≥ 0 得满分';
    score = a.gte(0) ? w : new D(0);
    completion = null;
  } else {
    formula =
      t.op === '='
        ? '实际 ≥ 目标（“=”按“≥”考核）满分，否则 分值 × 实际 ÷ 目标'
        : '实际 ≥ 目标满分，否则 分值 × 实际 ÷ 目标';
    score = a.gte(target) ? w : w.times(D.max(a, 0)).div(target);
    completion = D.max(a, 0).div(target);
    const threshold = target.times(new D(1).plus(profile.overshoot.threshold));
    if (a.gte(threshold)) {
      const pct = new D(profile.overshoot.threshold).times(100).toFixed();
      switch (profile.overshoot.policy) {
        case 'explain':
        case 'manual':
          reasons.push(`超出目标 ${pct}% 以上，须说明目标设定依据`);
          break;
        case 'deduct':
          score = D.max(score.minus(profile.overshoot.deduction ?? '0'), 0);
          adjustments.push(`超出目标 ${pct}% 以上，扣 ${profile.overshoot.deduction} 分`);
          reasons.push(`超出目标 ${pct}% 以上`);
          break;
        case 'zero':
          score = new D(0);
          adjustments.push(`超出目标 ${pct}% 以上，本项不得分`);
          reasons.push(`超出目标 ${pct}% 以上`);
      }
    }
  }
  if (score.lt(w)) reasons.unshift(`得分 ${show(score)} 低于分值 ${w.toFixed()}`);
  return finish(score, completion, { formula, inputs, adjustments }, reasons);
}

function scoreQualitative(
  ind: ScoringIndicatorInput,
  index: number,
  w: Dec,
  profile: ScoringProfile,
  errors: ScoringError[],
  finish: (s: Dec, c: Dec | null, e: IndicatorScore['explanation'], r: string[]) => IndicatorScore,
): IndicatorScore {
  const t = ind.target as { text: string };
  const gradeText =
    (ind.grade ?? '').trim() || ((ind.actual ?? '').trim() === t.text ? '达成' : (ind.actual ?? '').trim());
  const grade = GRADE_ALIASES[gradeText];
  const band = profile.qualitative.find((b) => b.grade === grade);
  if (!band) {
    errors.push({
      field: `indicators[${index}].grade`,
      message: `“${ind.name}”须选择评价等级：达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差`,
    });
    return finish(new D(0), null, { formula: '', inputs: {}, adjustments: [] }, []);
  }
  const low = w.times(band.low);
  const high = w.times(band.high);
  let score = w.times(band.default);
  if (ind.score !== undefined) {
    const s = /^\d+(\.\d+)?$/.test(ind.score.trim()) ? new D(ind.score.trim()) : null;
    const top = band.high === '1';
    if (!s || s.lt(low) || (top ? s.gt(high) : s.gte(high))) {
      errors.push({
        field: `indicators[${index}].score`,
        message: `“${ind.name}”评为“${grade}”，得分应在 ${show(low)}–${show(high)}${top ? '' : '（不含）'} 之间，填写的是“${ind.score}”`,
      });
      return finish(new D(0), null, { formula: '', inputs: {}, adjustments: [] }, []);
    }
    score = s;
  }
  const reasons = score.lt(w) ? [`得分 ${show(score)} 低于分值 ${w.toFixed()}`] : [];
  return finish(
    score,
    null,
    { formula: `定性指标：${bandText(band)}`, inputs: { 等级: grade!, 分值: w.toFixed() }, adjustments: [] },
    reasons,
  );
}

function bandText(b: QualitativeBand): string {
  return `${b.grade} 得分区间 [${b.low}, ${b.high}${b.high === '1' ? ']' : ')'} × 分值`;
}

function reviewFlags(
  input: ScoringInput,
  scores: IndicatorScore[],
  execution: ExecutionScore | null,
  total: string,
): ReviewFlag[] {
  const flags: ReviewFlag[] = [];
  let publishedSum = new D(0);
  let anyPublished = false;
  for (const s of scores) {
    const ind = input.indicators[s.index];
    if (ind.publishedScore === undefined) continue;
    anyPublished = true;
    const p = new D(ind.publishedScore);
    publishedSum = publishedSum.plus(p);
    const rule = exact.get(s)!;
    const w = new D(s.weight);
    if (rule.gte(w) && p.lt(w))
      flags.push({
        code: 'TARGET_MET_BUT_DEDUCTED',
        indicator: s.index,
        message: `“${s.name}”已达到目标，却扣了 ${w.minus(p).toFixed()} 分`,
      });
    else if (rule.lt(w) && p.gte(w))
      flags.push({
        code: 'TARGET_MISSED_FULL_MARKS',
        indicator: s.index,
        message: `“${s.name}”未达到目标（按规则 ${show(rule)} 分），却给了满分 ${p.toFixed()}`,
      });
    else if (!rule.toDecimalPlaces(2).eq(p.toDecimalPlaces(2)))
      flags.push({
        code: 'SCORE_DIFFERS',
        indicator: s.index,
        message: `“${s.name}”自评 ${p.toFixed()} 分，按规则应为 ${round2(rule)} 分`,
      });
    if (p.lt(w) && !(ind.publishedExplanation ?? ind.explanation)?.trim()) {
      flags.push({
        code: 'DEDUCTION_WITHOUT_EXPLANATION',
        indicator: s.index,
        message: `“${s.name}”扣分但没有偏差原因分析`,
      });
    }
  }
  const pub = input.published;
  if (
    pub?.executionScore !== undefined &&
    execution &&
    !new D(pub.executionScore).toDecimalPlaces(2).eq(new D(execution.score).toDecimalPlaces(2))
  ) {
    flags.push({
      code: 'EXECUTION_SCORE_WRONG',
      message: `预算执行率得分自评 ${pub.executionScore}，按执行率 ${execution.rate}% 应为 ${round2(new D(execution.score))}`,
    });
  }
  if (pub?.total !== undefined && anyPublished) {
    const sum = publishedSum.plus(pub.executionScore ?? 0);
    if (!sum.eq(new D(pub.total)))
      flags.push({ code: 'TOTAL_MISMATCH', message: `自评总分 ${pub.total} 与各项得分合计 ${sum.toFixed()} 不一致` });
  }
  void total;
  return flags;
}

function empty(input: ScoringInput, errors: ScoringError[]): SheetScore {
  return {
    profile: { id: input.profile ?? 'national-2020', version: input.profileVersion ?? 0 },
    execution: null,
    indicators: [],
    buckets: {},
    totalExact: null,
    total: null,
    cap: null,
    grade: null,
    flags: [],
    errors,
  };
}
