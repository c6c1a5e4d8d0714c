import type { QuantitativeTarget } from '../targets/interchange';
import { readActual } from './actual';
import { readBudget } from './budget';
import { scoreDeadline } from './date-target';
import { D, Dec, round2, show } from './decimal';
import { draftExecution, draftIndicator } from './drafts';
import { ACCEPTED_GRADE_WORDS, readGradeWord } from './grade-words';
import { deadlineMet, isPlaceholder, looseQuantity } from './loose-reading';
import { Bucket, findProfile, QualitativeBand, ScoringProfile } from './profiles';
import { reviewPublished } from './review';
import { planRows } from './rows';
import type {
  ExecutionScore,
  IndicatorScore,
  ReviewFlag,
  ScoringError,
  ScoringIndicatorInput,
  ScoringInput,
  SheetScore,
} from './types';
import { bucketOf, planWeights } from './weights';

export { bucketOf, evenSplit } from './weights';

/**
 * Scores one sheet under a profile (domain rules §4, docs/scoring.md). Exact decimals throughout;
 * the total is rounded once. Problems with the input are returned as errors (Chinese, naming the
 * field) and no total; what the reviewer should look at is returned as flags.
 */
export function scoreSheet(input: ScoringInput): SheetScore {
  const errors: ScoringError[] = [];
  const flags: ReviewFlag[] = [];
  const profile = findProfile(input.profile, input.profileVersion);
  if (!profile) {
    return empty(input, [{ field: 'profile', message: `未知的评分方案“${input.profile}”` }]);
  }
  const profileRef = { id: profile.id, version: profile.version };

  // ---- rows and weights (§4.2) ----------------------------------------------------------------
  const rows = planRows(input.indicators, input.totals === 'form', flags, (ind) => bucketOf(ind, profile));
  const plan = planWeights(input, rows.scored, profile, errors, flags);

  // ---- a department sheet without 产出 or 效益 indicators is not graded (docs/scoring.md) --------
  const notGradable =
    input.kind === 'department'
      ? (['output', 'effect'] as Bucket[]).filter(
          (b) => !plan.members.get(b)?.some((i) => !input.indicators[i].notApplicable),
        )
      : [];

  // ---- execution (§4.3) ------------------------------------------------------------------------
  const execution = plan.executionWeight ? scoreExecution(input, profile, plan.executionWeight, errors, flags) : null;

  // ---- indicators (§4.4, §4.5) ----------------------------------------------------------------
  const indicators: IndicatorScore[] = [];
  for (const i of rows.scored) {
    const w = plan.weights.get(i);
    if (w === undefined) continue;
    indicators.push(
      scoreIndicator(input.indicators[i], i, w, bucketOf(input.indicators[i], profile), profile, errors, flags),
    );
  }

  if (errors.length) return { ...empty(input, errors), profile: profileRef, unscored: rows.unscored, flags };

  // ---- total, cap, grade (§4.6) --------------------------------------------------------------
  const buckets: SheetScore['buckets'] = {};
  for (const [b, points] of Object.entries(plan.points) as [Bucket, Dec][]) {
    const sum = indicators.filter((s) => s.bucket === b).reduce((acc, s) => acc.plus(exactOf(s)), new D(0));
    buckets[b] = { points: points.toFixed(), score: show(sum) };
  }
  let total = indicators.reduce((acc, s) => acc.plus(exactOf(s)), new D(0));
  if (execution) total = total.plus(exactOf(execution));
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
  // Rows are scored and reviewed either way; an ungradable sheet gets no total and no grade until it has them.
  const gradable = notGradable.length === 0;
  if (!gradable) {
    const names = notGradable.map((b) => (b === 'output' ? '产出指标' : '效益指标')).join('、');
    flags.push({
      code: 'DEPARTMENT_NOT_GRADABLE',
      message: `部门整体支出表没有可评分的${names}，暂不计总分、不定等级：请在年终补充或选取指标（留痕审核）后再评分`,
    });
  }
  const rounded = gradable ? round2(total) : null;
  const weightsAssumed = flags.some((f) => f.code === 'WEIGHTS_NOT_PRINTED');
  const reviewed = reviewPublished(input, indicators, exactOf, execution, gradable ? total : null, weightsAssumed);
  flags.push(...reviewed.flags);
  return {
    profile: profileRef,
    execution,
    indicators,
    buckets,
    totalExact: gradable ? total.toFixed() : null,
    total: rounded,
    cap: gradable ? cap : null,
    grade: rounded === null ? null : (profile.grades.find(([min]) => new D(rounded).gte(min))?.[1] ?? '差'),
    gradable,
    unscored: rows.unscored,
    review: reviewed.review,
    flags,
    errors: [],
  };
}

// Exact scores live here, beside the displayed strings, so the total sums exact values.
const exact = new WeakMap<object, Dec>();
const exactOf = (o: object): Dec => exact.get(o) ?? new D(0);

function scoreExecution(
  input: ScoringInput,
  profile: ScoringProfile,
  weight: Dec,
  errors: ScoringError[],
  flags: ReviewFlag[],
): ExecutionScore | null {
  const money = readBudget(input, errors, flags);
  if (!money) return null;
  const { adjusted, spent } = money;
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
          quarterly: money.quarterly,
        })
      : null,
  };
  exact.set(result, score);
  return result;
}

type Finish = (
  s: Dec,
  c: Dec | null,
  e: IndicatorScore['explanation'],
  r: string[],
  pending?: string,
) => IndicatorScore;

function scoreIndicator(
  ind: ScoringIndicatorInput,
  index: number,
  w: Dec,
  bucket: Bucket,
  profile: ScoringProfile,
  errors: ScoringError[],
  flags: ReviewFlag[],
): IndicatorScore {
  const base = { index, name: ind.name, level1: ind.level1, level2: ind.level2, bucket, weight: show(w) };
  const finish: Finish = (score, completion, explanation, reasons, pending) => {
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
      pendingReview: pending ?? null,
    };
    exact.set(r, score);
    return r;
  };
  // Nothing to score yet: 0 until the reviewer decides, never silently full marks.
  const pending = (code: ReviewFlag['code'], why: string) => {
    flags.push({ code, indicator: index, message: `“${ind.name}”${why}，须评审人评定` });
    return finish(new D(0), null, { formula: '待评审人评定', inputs: { 分值: w.toFixed() }, adjustments: [] }, [], why);
  };

  if (ind.notApplicable) {
    return finish(new D(0), null, { formula: '不适用：剔除并按比例调整同类指标分值', inputs: {}, adjustments: [] }, [
      '指标不适用（触发条件未发生），须说明',
    ]);
  }
  const t = ind.target;
  const actual = (ind.actual ?? '').trim();
  if ((t.kind === 'date' || t.kind === 'period') && actual && !ind.grade?.trim()) {
    // a deadline is met or not (date-target.ts); an actual it cannot read is read as written below
    const r = scoreDeadline(t, actual, w);
    if (r.ok) return finish(r.score, r.completion, r.explanation, r.reasons);
  }
  if (t.kind !== 'quantitative') {
    // Text targets, and any kind without a number to compare (dates, periods), are read as written.
    const text = 'text' in t ? String(t.text) : String((t as { raw: string }).raw);
    const graded = !!ind.grade?.trim();
    const noTarget = isPlaceholder(text);
    const noActual = isPlaceholder(actual);
    if (noTarget && noActual && !graded) return pending('TARGET_AND_ACTUAL_EMPTY', '年度指标值和实际完成值都为空');
    if (noActual && !graded) return pending('ACTUAL_MISSING', '缺少实际完成值');
    if (noTarget && !graded && !readGradeWord(actual))
      return pending('TARGET_MISSING', '没有年度指标值，实际完成情况无从比较');
    if (!graded) {
      // Numbers and dates the target parser left as text are compared as what they are.
      const loose = looseQuantity(text, actual);
      if (loose) {
        const a = readActual(loose.actual, loose.target);
        if (a.ok) return scoreQuantitative(loose.target, a.value, '指标值按数值读取', w, profile, finish);
      }
      const met = deadlineMet(text, actual);
      if (met !== null) return scoreQualitative(ind, index, w, profile, errors, finish, met ? '达成' : '未达成');
    }
    return scoreQualitative(ind, index, w, profile, errors, finish);
  }
  if (!actual) return pending('ACTUAL_MISSING', '缺少实际完成值');
  const a = readActual(actual, t);
  if (!a.ok) {
    // A grade word where a number belongs (达成预期指标) is read as the form means it.
    if (readGradeWord(actual)) return scoreQualitative(ind, index, w, profile, errors, finish, actual);
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
  finish: Finish,
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
  finish: Finish,
  gradeWordForNumber?: string,
): IndicatorScore {
  const text = ('text' in ind.target ? String(ind.target.text) : ind.target.raw).trim();
  const actual = (ind.actual ?? '').trim();
  const written = (ind.grade ?? '').trim() || gradeWordForNumber || (actual === text ? '达成' : actual);
  const word = readGradeWord(written);
  const band = word && profile.qualitative.find((b) => b.grade === word.grade);
  if (!band) {
    errors.push({
      field: `indicators[${index}].grade`,
      message: `第 ${index + 1} 行“${ind.name}”的评价“${written}”无法识别，须为实际完成情况与年度指标值一致，或以下评价之一：${ACCEPTED_GRADE_WORDS}`,
    });
    return finish(new D(0), null, { formula: '', inputs: {}, adjustments: [] }, []);
  }
  const grade = band.grade;
  const low = w.times(band.low);
  const high = w.times(band.high);
  let score = w.times(word.fraction ?? band.default);
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
  const adjustments = gradeWordForNumber ? [`实际完成值“${actual}”按“${gradeWordForNumber}”评分`] : [];
  return finish(
    score,
    null,
    { formula: `定性指标：${bandText(band)}`, inputs: { 等级: grade, 评价: written, 分值: w.toFixed() }, adjustments },
    reasons,
  );
}

function bandText(b: QualitativeBand): string {
  return `${b.grade} 得分区间 [${b.low}, ${b.high}${b.high === '1' ? ']' : ')'} × 分值`;
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
    gradable: false,
    unscored: [],
    review: null,
    flags: [],
    errors,
  };
}
