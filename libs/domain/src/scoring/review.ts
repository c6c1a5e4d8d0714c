import { D, Dec, round2, show } from './decimal';
import type { ExecutionScore, FormReview, IndicatorScore, PublishedCheck, ReviewFlag, ScoringInput } from './types';

/** Decimals a printed number shows: `2.8` → 1, `3` → 0. */
export function decimalsOf(v: string): number {
  const m = /\.(\d+)$/.exec(v.trim());
  return m ? m[1].length : 0;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * The consistency review (复核) of the scores a unit published (docs/scoring.md §review). A
 * published score equal to the rule score rounded to the form's own precision is reproduced;
 * any other is flagged with its reason. The total is reproduced, or flagged by the flags that
 * explain it (or, when none does, by its own).
 */
/** The printed number, trimmed, or null when the cell is empty or not a number. */
function printed(v: string | undefined): string | null {
  const t = v === undefined || v === null ? '' : String(v).trim();
  return NUMBER.test(t) ? t : null;
}

export function reviewPublished(
  input: ScoringInput,
  scores: IndicatorScore[],
  exact: (s: object) => Dec,
  execution: ExecutionScore | null,
  totalExact: Dec | null,
  /** the form prints no 分值: row weights are the profile's even split, not the form's */
  weightsAssumed = false,
): { flags: ReviewFlag[]; review: FormReview | null } {
  const flags: ReviewFlag[] = [];
  const rowsPublished = scores
    .map((s) => ({ s, p: printed(input.indicators[s.index].publishedScore) }))
    .filter((r): r is { s: IndicatorScore; p: string } => r.p !== null);
  const pubExec = printed(input.published?.executionScore);
  const pubTotal = printed(input.published?.total);
  if (!rowsPublished.length && pubExec === null && pubTotal === null) return { flags, review: null };

  const precision =
    input.published?.precision ??
    Math.max(0, ...rowsPublished.map((r) => decimalsOf(r.p)), ...(pubExec !== null ? [decimalsOf(pubExec)] : []));
  const atPrecision = (x: Dec) => x.toDecimalPlaces(precision, D.ROUND_HALF_UP);
  const check = (published: string, rule: Dec, reasons: string[]): PublishedCheck => {
    const reproduced = atPrecision(rule).eq(new D(published));
    return {
      published,
      rule: rule.toDecimalPlaces(6).toFixed(),
      ruleAtPrecision: atPrecision(rule).toFixed(precision),
      status: reproduced ? 'reproduced' : 'flagged',
      reasons: reproduced ? [] : reasons,
    };
  };

  const rows: FormReview['rows'] = [];
  let publishedSum = new D(0);
  for (const { s, p: printedScore } of rowsPublished) {
    const ind = input.indicators[s.index];
    const p = new D(printedScore);
    publishedSum = publishedSum.plus(p);
    const rule = exact(s);
    const w = new D(s.weight);
    const before = flags.length;
    if (!atPrecision(rule).eq(p))
      flags.push(
        weightsAssumed
          ? {
              code: 'SCORE_DIFFERS',
              indicator: s.index,
              message: `“${s.name}”自评 ${p.toFixed()} 分；表中未印分值，按均分的分值 ${show(w)} 计规则分为 ${atPrecision(rule).toFixed(precision)}，无法按表复核`,
            }
          : rowFlag(s, p, rule, w, atPrecision(rule).toFixed(precision)),
      );
    const reasons = flags.slice(before).map((f) => f.message);
    // A deduction is measured against the form's own 分值; without them there is none to judge.
    if (!weightsAssumed && p.lt(w) && !(ind.publishedExplanation ?? ind.explanation)?.trim()) {
      flags.push({
        code: 'DEDUCTION_WITHOUT_EXPLANATION',
        indicator: s.index,
        message: `“${s.name}”扣分但没有偏差原因分析`,
      });
    }
    rows.push({ index: s.index, name: s.name, ...check(printedScore, rule, reasons) });
  }

  let executionCheck: PublishedCheck | null = null;
  if (pubExec !== null) {
    const rule = execution ? exact(execution) : new D(0);
    const reasons: string[] = [];
    if (!atPrecision(rule).eq(new D(pubExec))) {
      const message = execution
        ? `预算执行率得分自评 ${pubExec}，按执行率 ${show(new D(execution.rate).toDecimalPlaces(2))}% 应为 ${round2(rule)}`
        : `预算执行率得分自评 ${pubExec}，但表中没有预算执行率分值`;
      flags.push({ code: 'EXECUTION_SCORE_WRONG', message });
      reasons.push(message);
    }
    executionCheck = check(pubExec, rule, reasons);
  }

  let totalCheck: PublishedCheck | null = null;
  if (pubTotal !== null) {
    const publishedTotal = new D(pubTotal);
    if (rowsPublished.length) {
      const sum = publishedSum.plus(pubExec ?? 0);
      if (!sum.eq(publishedTotal))
        flags.push({
          code: 'TOTAL_MISMATCH',
          message: `自评总分 ${pubTotal} 与各项得分合计 ${sum.toFixed()} 不一致`,
        });
    }
    if (totalExact) {
      const totalPrecision = Math.max(precision, decimalsOf(pubTotal));
      const ours = totalExact.toDecimalPlaces(totalPrecision, D.ROUND_HALF_UP);
      const reproduced = ours.eq(publishedTotal);
      const reasons = reproduced ? [] : flags.map((f) => f.message);
      if (!reproduced && !reasons.length) {
        const message = `自评总分 ${pubTotal}，按规则应为 ${round2(totalExact)}`;
        flags.push({ code: 'TOTAL_DIFFERS', message });
        reasons.push(message);
      }
      totalCheck = {
        published: pubTotal,
        rule: round2(totalExact),
        ruleAtPrecision: ours.toFixed(totalPrecision),
        status: reproduced ? 'reproduced' : 'flagged',
        reasons,
      };
    }
  }
  return { flags, review: { precision, rows, execution: executionCheck, total: totalCheck } };
}

/** Why a published row score is not the rule score: the most telling reason first. */
function rowFlag(s: IndicatorScore, p: Dec, rule: Dec, w: Dec, ruleShown: string): ReviewFlag {
  if (s.pendingReview)
    return {
      code: 'SCORE_DIFFERS',
      indicator: s.index,
      message: `“${s.name}”自评 ${p.toFixed()} 分，但${s.pendingReview}，按规则暂不得分，须评审人评定`,
    };
  if (rule.gte(w) && p.lt(w))
    return {
      code: 'TARGET_MET_BUT_DEDUCTED',
      indicator: s.index,
      message: `“${s.name}”已达到目标，却扣了 ${w.minus(p).toFixed()} 分`,
    };
  if (rule.lt(w) && p.gte(w))
    return {
      code: 'TARGET_MISSED_FULL_MARKS',
      indicator: s.index,
      message: `“${s.name}”未达到目标（按规则 ${show(rule)} 分），却给了满分 ${p.toFixed()}`,
    };
  return {
    code: 'SCORE_DIFFERS',
    indicator: s.index,
    message: `“${s.name}”自评 ${p.toFixed()} 分，按规则应为 ${ruleShown} 分（规则分 ${show(rule)}）`,
  };
}
