import type { SpendingCheckpoint, Target } from '../targets/interchange';
import type { Bucket } from './profiles';

export const CAUSE_CATEGORIES = [
  '经费保障',
  '制度保障',
  '人员保障',
  '硬件条件保障',
  '目标设定',
  '政策或外部变化',
  '触发条件未发生',
  '数据口径',
  '其他',
] as const;
export type CauseCategory = (typeof CAUSE_CATEGORIES)[number];

export interface ScoringIndicatorInput {
  level1: string;
  level2: string;
  name: string;
  target: Target;
  /** the actual as written: `98%`, `≥266米`, `25次`, or a grade / text for qualitative indicators */
  actual?: string;
  weight?: string;
  notApplicable?: boolean;
  grade?: string;
  /** the unit's own score for a qualitative indicator; must lie in the grade's band */
  score?: string;
  /** human-written 偏差原因分析及改进措施; never replaced by a draft */
  explanation?: string;
  causeCategory?: CauseCategory;
  causeText?: string;
  measure?: string;
  /** cumulative values per quarter as written (Q1..Q4), for the trend in drafts */
  quarterly?: (string | null)[];
  /** a published self-score to check (复核) */
  publishedScore?: string;
  publishedExplanation?: string;
  /** a 其中… row: shown and kept, never scored (also inferred from the name, or from a missing 分值) */
  breakdown?: boolean;
}

/** A money line of the form: 年度资金总额 and its 其中 rows (当年财政拨款, 上年结转资金, 其他资金). */
export interface BudgetLine {
  name: string;
  initial?: string;
  adjusted?: string;
  spent?: string;
}

export type AmountUnit = '元' | '万元';

export interface ScoringInput {
  profile?: string;
  profileVersion?: number;
  /** a 部门整体支出 sheet is not graded while it has no 产出 or 效益 indicators */
  kind?: 'project' | 'department';
  /**
   * Whose bucket totals count. `profile` (default): weights must sum to the profile's buckets, as
   * on this platform. `form`: a printed 自评表 is the input; its 分值 are the weights and a
   * departure from the profile's totals is a review flag (docs/scoring.md).
   */
  totals?: 'profile' | 'form';
  /** the unit the table prints amounts in; 元 is converted to 万元 before anything is computed */
  amountUnit?: AmountUnit;
  budget: { initial?: string; adjusted?: string; spent?: string; total?: string; lines?: BudgetLine[] };
  /** the 分值 the form prints for 预算执行率; `0` when the form has no execution score */
  executionWeight?: string;
  spendingPlan?: SpendingCheckpoint[];
  /** cumulative spending at the end of Q1..Q4 (万元), for the timing sentence of the execution draft */
  quarterlySpent?: (string | null)[];
  executionExplanation?: string;
  indicators: ScoringIndicatorInput[];
  published?: {
    total?: string;
    executionScore?: string;
    grade?: string;
    /** decimals the form prints scores with; by default the most any published score shows */
    precision?: number;
  };
}

export interface ScoreExplanation {
  formula: string;
  inputs: Record<string, string>;
  adjustments: string[];
}

export interface IndicatorScore {
  index: number;
  name: string;
  level1: string;
  level2: string;
  bucket: Bucket;
  weight: string;
  score: string;
  /** 完成率 in percent, when quantitative */
  completionRate: string | null;
  notApplicable: boolean;
  explanation: ScoreExplanation;
  needsExplanation: boolean;
  reasons: string[];
  explanationMissing: boolean;
  draft: string | null;
  /** why the rule score waits for the reviewer (no actual, empty target and actual) */
  pendingReview: string | null;
}

/** A row shown and kept but not scored: a 其中 breakdown or a parent repeating its children's sum. */
export interface UnscoredRow {
  index: number;
  name: string;
  level1: string;
  level2: string;
  role: 'breakdown' | 'subtotal';
  weight: string | null;
  publishedScore: string | null;
  note: string;
}

/** The consistency review of one published number against the rule, at the form's precision. */
export interface PublishedCheck {
  published: string;
  rule: string;
  /** the rule score rounded to the form's precision */
  ruleAtPrecision: string;
  status: 'reproduced' | 'flagged';
  reasons: string[];
}

export interface FormReview {
  precision: number;
  rows: ({ index: number; name: string } & PublishedCheck)[];
  execution: PublishedCheck | null;
  total: PublishedCheck | null;
}

export interface ExecutionScore {
  rate: string;
  weight: string;
  score: string;
  explanation: ScoreExplanation;
  needsExplanation: boolean;
  explanationMissing: boolean;
  draft: string | null;
}

export interface ReviewFlag {
  code:
    | 'TARGET_MET_BUT_DEDUCTED'
    | 'TARGET_MISSED_FULL_MARKS'
    | 'TOTAL_MISMATCH'
    | 'EXECUTION_SCORE_WRONG'
    | 'DEDUCTION_WITHOUT_EXPLANATION'
    | 'SCORE_DIFFERS'
    | 'BUCKET_EMPTY'
    | 'TOTAL_DIFFERS'
    | 'BUCKET_TOTALS_DIFFER'
    | 'BUCKET_WEIGHTS_FROM_PROFILE'
    | 'POINTS_NOT_100'
    | 'WEIGHTS_NOT_PRINTED'
    | 'UNWEIGHTED_ROW'
    | 'NO_EXECUTION_SCORE'
    | 'ACTUAL_MISSING'
    | 'TARGET_AND_ACTUAL_EMPTY'
    | 'TARGET_MISSING'
    | 'BUDGET_FROM_LINES'
    | 'BUDGET_FROM_INITIAL'
    | 'DEPARTMENT_NOT_GRADABLE';
  message: string;
  indicator?: number;
}

export interface ScoringError {
  field: string;
  message: string;
}

export interface SheetScore {
  profile: { id: string; version: number };
  execution: ExecutionScore | null;
  indicators: IndicatorScore[];
  buckets: Partial<Record<Bucket, { points: string; score: string }>>;
  /** exact sum before rounding */
  totalExact: string | null;
  /** rounded once, to 2 decimals */
  total: string | null;
  cap: string | null;
  grade: string | null;
  /** false for a department sheet without 产出/效益 indicators: no total and no grade until it has them */
  gradable: boolean;
  unscored: UnscoredRow[];
  review: FormReview | null;
  flags: ReviewFlag[];
  errors: ScoringError[];
}
