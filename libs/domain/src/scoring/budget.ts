import { D, Dec } from './decimal';
import type { AmountUnit, ReviewFlag, ScoringError, ScoringInput } from './types';

export interface BudgetReading {
  adjusted: Dec;
  spent: Dec;
  /** cumulative spending per quarter in 万元, for the execution draft */
  quarterly?: (string | null)[];
}

const NUMBER = /^-?\d+(\.\d+)?$/;
// 元 → 万元: exact, so 387664.62 元 is 38.766462 万元.
const PER_WAN: Record<AmountUnit, string> = { 元: '10000', 万元: '1' };

function toWan(v: string, unit: AmountUnit): Dec {
  return new D(v).div(PER_WAN[unit]);
}

function present(v: string | undefined): v is string {
  return v !== undefined && String(v).trim() !== '';
}

/** Blank, or a printed 0: the form left the total to its 其中 rows. */
function blankOrZero(v: string | undefined): boolean {
  return !present(v) || (NUMBER.test(v.trim()) && new D(v.trim()).isZero());
}

/**
 * Reads 全年预算数 and 全年执行数 as the form means them (docs/scoring.md §money): amounts in 元
 * become 万元; a 年度资金总额 of 0 (or blank) with the money in its 其中 rows is the sum of those
 * rows; a form that gives only 年初预算数 is read with that. Each reading the form did not state
 * is returned as a flag, so the reviewer sees it.
 */
export function readBudget(input: ScoringInput, errors: ScoringError[], flags: ReviewFlag[]): BudgetReading | null {
  const unit: AmountUnit = input.amountUnit ?? '万元';
  const b = input.budget;
  const label = unit === '元' ? '元' : '万元';
  const num = (v: string | undefined, field: string, name: string): Dec | null => {
    if (!present(v) || !NUMBER.test(String(v).trim())) {
      errors.push({ field, message: `${name}“${v ?? ''}”应为数字（${label}）` });
      return null;
    }
    return toWan(String(v).trim(), unit);
  };
  const lines = (b.lines ?? []).filter((l) => present(l.adjusted) || present(l.spent) || present(l.initial));
  const lineSum = (k: 'initial' | 'adjusted' | 'spent'): Dec | null => {
    const vals = lines.map((l) => l[k]).filter((v): v is string => present(v) && NUMBER.test(String(v).trim()));
    return vals.length ? vals.reduce((s, v) => s.plus(toWan(v.trim(), unit)), new D(0)) : null;
  };

  let adjustedRaw = present(b.adjusted) ? b.adjusted : b.total;
  let adjusted: Dec | null;
  const fromLines = lineSum('adjusted');
  if (blankOrZero(adjustedRaw) && fromLines && fromLines.gt(0)) {
    adjusted = fromLines;
    flags.push({
      code: 'BUDGET_FROM_LINES',
      message: `年度资金总额的全年预算数为 ${adjustedRaw?.trim() || '空'}，按其中各行合计 ${adjusted.toFixed()} 万元读取`,
    });
  } else if (!present(adjustedRaw) && present(b.initial)) {
    adjustedRaw = b.initial;
    adjusted = num(adjustedRaw, 'budget.initial', '年初预算数');
    if (adjusted)
      flags.push({
        code: 'BUDGET_FROM_INITIAL',
        message: `表中只有年初预算数，按年初预算数 ${adjusted.toFixed()} 万元作为全年预算数`,
      });
  } else {
    adjusted = num(adjustedRaw, 'budget.adjusted', '全年预算数');
  }

  let spent: Dec | null;
  const spentLines = lineSum('spent');
  if (blankOrZero(b.spent) && spentLines && spentLines.gt(0)) {
    spent = spentLines;
    flags.push({
      code: 'BUDGET_FROM_LINES',
      message: `年度资金总额的全年执行数为 ${b.spent?.trim() || '空'}，按其中各行合计 ${spent.toFixed()} 万元读取`,
    });
  } else {
    spent = num(b.spent, 'budget.spent', '全年执行数');
  }
  if (!adjusted || !spent) return null;
  if (adjusted.lte(0))
    errors.push({ field: 'budget.adjusted', message: `全年预算数 ${adjusted.toFixed()} 万元应大于 0` });
  if (spent.lt(0)) errors.push({ field: 'budget.spent', message: `全年执行数 ${spent.toFixed()} 万元不能为负数` });
  if (adjusted.lte(0) || spent.lt(0)) return null;
  const quarterly = input.quarterlySpent?.map((q) =>
    q === null || !NUMBER.test(String(q).trim()) ? null : toWan(String(q).trim(), unit).toFixed(),
  );
  return { adjusted, spent, quarterly };
}
