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

export type Target = QuantitativeTarget | QualitativeTarget;

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
