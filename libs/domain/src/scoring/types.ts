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
}

export interface ScoringInput {
  profile?: string;
  profileVersion?: number;
  budget: { initial?: string; adjusted?: string; spent?: string; total?: string };
  spendingPlan?: SpendingCheckpoint[];
  /** cumulative spending at the end of Q1..Q4 (万元), for the timing sentence of the execution draft */
  quarterlySpent?: (string | null)[];
  executionExplanation?: string;
  indicators: ScoringIndicatorInput[];
  published?: { total?: string; executionScore?: string };
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
    | 'BUCKET_EMPTY';
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
  flags: ReviewFlag[];
  errors: ScoringError[];
}
