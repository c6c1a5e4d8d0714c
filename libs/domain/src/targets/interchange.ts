/**
 * The interchange format of domain.md §7: CLI `--json`, API and fixtures. Money and numbers are
 * decimal strings; money is in 万元.
 */
export type TargetOp = '>=' | '<=' | '=' | '>' | '<';

export interface QuantitativeTarget {
  raw: string;
  kind: 'quantitative';
  op: TargetOp;
  value: string;
  unit: string | null;
}

export interface QualitativeTarget {
  raw: string;
  kind: 'qualitative';
  text: string;
}

/**
 * A deadline: done by `value` (`2025-12-31`, or `--12-31` when the cell names no year). `text`
 * is the cell as written, so code that shows non-numeric targets as text keeps working.
 */
export interface DateTarget {
  raw: string;
  kind: 'date';
  op: '<=';
  value: string;
  unit: null;
  text: string;
  /** 每年…前: the same deadline every year */
  recurring?: boolean;
}

/** A period the work runs over: `start/end` at month (or day) precision, e.g. `2024-03/2024-11`. */
export interface PeriodTarget {
  raw: string;
  kind: 'period';
  op: '=';
  value: string;
  unit: null;
  text: string;
}

export type Target = QuantitativeTarget | QualitativeTarget | DateTarget | PeriodTarget;

export interface Warning {
  code: WarningCode;
  message: string;
  where?: { sheet?: string; row?: number; cell?: string };
}

export type WarningCode =
  | 'COMPOUND_TARGET_SPLIT'
  | 'NOT_A_TARGET'
  | 'VALUE_WITHOUT_UNIT'
  | 'TARGET_MISSING'
  | 'RANGE_TARGET'
  | 'LOOKALIKE_OPERATOR'
  | 'UNKNOWN_UNIT'
  | 'AMBIGUOUS_UNIT'
  | 'TARGET_IN_TEXT'
  | 'NUMBERS_IN_TEXT'
  | 'DATE_GUESS'
  | 'COST_RATE_OPERATOR'
  | 'COST_EXCEEDS_BUDGET'
  | 'PROJECTS_NOT_SUMMING'
  | 'LABEL_SHIFTED'
  | 'LEVEL1_CORRECTED'
  | 'LEVEL2_INFERRED'
  | 'LEVELS_INFERRED'
  | 'YEAR_FROM_PROJECT_CODE'
  | 'YEAR_MISSING'
  | 'EMPTY_ROW_SKIPPED'
  | 'DEPARTMENT_WITHOUT_INDICATORS'
  | 'BUDGET_MISSING';

export interface IndicatorRow {
  level1: string;
  level2: string;
  name: string;
  description?: string;
  basis?: string;
  standard?: string;
  target: Target;
}

export interface SpendingCheckpoint {
  month: number;
  percent: string;
}

/** Keys of the budget block; any may be absent. */
export type BudgetKey =
  | 'total'
  | 'generalPublic'
  | 'governmentFund'
  | 'specialAccount'
  | 'other'
  | 'basic'
  | 'project'
  | 'fiscal'
  | 'carryover';

export interface TargetSheet {
  kind: 'department' | 'project';
  year: number | null;
  unit: { code: string | null; name: string };
  project?: { code: string | null; name: string };
  budget: Partial<Record<BudgetKey, string>>;
  spendingPlan: SpendingCheckpoint[];
  goal: string | null;
  attributes: Record<string, string>;
  indicators: IndicatorRow[];
  warnings: Warning[];
}

export interface ImportResult {
  sheets: TargetSheet[];
  warnings: Warning[];
}
