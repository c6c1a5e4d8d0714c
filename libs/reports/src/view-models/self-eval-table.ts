import type { SheetScore } from '@selfeval/domain';
import { D, finalResult, round2, SHEET_KIND_NAME } from '@selfeval/domain';

export interface MoneyLine {
  label: string;
  /** shown indented under 年度资金总额 (其中：…) */
  detail: boolean;
  initial: string | null;
  adjusted: string | null;
  spent: string | null;
}

export interface SelfEvalSource {
  kind: 'project' | 'department';
  year: number;
  unitName: string;
  parentName: string | null;
  /** project name; for a department sheet the unit's name */
  projectName: string;
  projectCode: string | null;
  budget: { initial: string; adjusted: string; spent: string };
  /** rows under 年度资金总额: by fund source for projects, by income and expense nature for departments */
  moneyLines?: MoneyLine[];
  goal: string | null;
  goalActual: string | null;
  indicators: {
    level1: string;
    level2: string;
    name: string;
    targetRaw: string;
    actualRaw: string | null;
    explanation: string | null;
  }[];
  score: SheetScore;
  /** reviewer scores by indicator index; final where given */
  reviewerScores?: ReadonlyMap<number, string>;
}

export interface SelfEvalTableVM {
  title: string;
  kindLabel: string;
  department: boolean;
  year: string;
  unitName: string;
  parentName: string;
  projectName: string;
  projectCode: string;
  money: {
    lines: { label: string; detail: boolean; initial: string; adjusted: string; spent: string }[];
    span: number;
    weight: string;
    rate: string;
    score: string;
  };
  goal: string;
  goalActual: string;
  rows: {
    level1: string;
    level2: string;
    name: string;
    target: string;
    actual: string;
    weight: string;
    score: string;
    explanation: string;
  }[];
  total: string;
  grade: string;
  reviewed: boolean;
  profile: string;
}

const money = (v: string | null) => (v === null ? '' : new D(v).toFixed(2));

/** Pure: numbers formatted here (money and scores to 2 decimals), the template only lays them out. */
export function buildSelfEvalTableVM(src: SelfEvalSource): SelfEvalTableVM {
  const s = src.score;
  if (!s.execution || s.total === null) throw new Error('evaluation has no score');
  const final = finalResult(s, src.reviewerScores);
  const rows = s.indicators.map((ind) => {
    const i = src.indicators[ind.index];
    const reviewer = src.reviewerScores?.get(ind.index);
    return {
      level1: i.level1,
      level2: i.level2,
      name: i.name,
      target: i.targetRaw,
      actual: ind.notApplicable ? '不适用' : (i.actualRaw ?? ''),
      weight: round2(new D(ind.weight)),
      score: round2(new D(reviewer ?? ind.score)),
      explanation: i.explanation ?? ind.draft ?? '',
    };
  });
  const department = src.kind === 'department';
  const lines = [
    {
      label: '年度资金总额',
      detail: false,
      initial: src.budget.initial,
      adjusted: src.budget.adjusted,
      spent: src.budget.spent,
    },
    ...(src.moneyLines ?? []),
  ].map((l) => ({
    label: l.label,
    detail: l.detail,
    initial: money(l.initial),
    adjusted: money(l.adjusted),
    spent: money(l.spent),
  }));
  const kindLabel = `${SHEET_KIND_NAME[department ? 'department' : 'project']}绩效自评表`;
  return {
    title: `${src.year}年度${kindLabel}`,
    kindLabel,
    department,
    year: String(src.year),
    unitName: src.unitName,
    parentName: src.parentName ?? src.unitName,
    projectName: src.projectName,
    projectCode: src.projectCode ?? '',
    money: {
      lines,
      span: lines.length,
      weight: round2(new D(s.execution.weight)),
      rate: `${new D(s.execution.rate).toFixed(2)}%`,
      score: round2(new D(s.execution.score)),
    },
    goal: src.goal ?? '',
    goalActual: src.goalActual ?? '',
    rows,
    total: final.total,
    grade: final.grade,
    reviewed: final.reviewed,
    profile: `${s.profile.id} 第 ${s.profile.version} 版`,
  };
}
