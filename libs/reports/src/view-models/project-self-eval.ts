import type { SheetScore } from '@selfeval/domain';
import { D, round2 } from '@selfeval/domain';

export interface SelfEvalSource {
  year: number;
  unitName: string;
  parentName: string | null;
  projectName: string;
  projectCode: string | null;
  budget: { initial: string; adjusted: string; spent: string };
  goal: string | null;
  goalActual: string | null;
  indicators: { level1: string; level2: string; name: string; targetRaw: string; actualRaw: string | null; explanation: string | null }[];
  score: SheetScore;
  /** reviewer scores by indicator index; final where given */
  reviewerScores?: Map<number, string>;
}

export interface ProjectSelfEvalVM {
  title: string;
  year: string;
  unitName: string;
  parentName: string;
  projectName: string;
  projectCode: string;
  money: { initial: string; adjusted: string; spent: string; weight: string; rate: string; score: string };
  goal: string;
  goalActual: string;
  rows: { level1: string; level2: string; name: string; target: string; actual: string; weight: string; score: string; explanation: string }[];
  total: string;
  grade: string;
  profile: string;
}

const money = (v: string) => new D(v).toFixed(2);

/** Pure: numbers formatted here (money and scores to 2 decimals), the template only lays them out. */
export function buildProjectSelfEvalVM(src: SelfEvalSource): ProjectSelfEvalVM {
  const s = src.score;
  if (!s.execution || s.total === null) throw new Error('evaluation has no score');
  const rows = s.indicators.map((ind) => {
    const i = src.indicators[ind.index];
    const reviewer = src.reviewerScores?.get(ind.index);
    return {
      level1: i.level1,
      level2: i.level2,
      name: i.name,
      target: i.targetRaw,
      actual: ind.notApplicable ? '不适用' : i.actualRaw ?? '',
      weight: round2(new D(ind.weight)),
      score: round2(new D(reviewer ?? ind.score)),
      explanation: i.explanation ?? ind.draft ?? '',
    };
  });
  let total = s.total;
  if (src.reviewerScores?.size) {
    total = round2(s.indicators.reduce((acc, ind) => acc.plus(src.reviewerScores!.get(ind.index) ?? ind.score), new D(s.execution.score)));
  }
  const grade = new D(total).gte(90) ? '优' : new D(total).gte(80) ? '良' : new D(total).gte(60) ? '中' : '差';
  return {
    title: `${src.year}年度项目支出绩效自评表`,
    year: String(src.year),
    unitName: src.unitName,
    parentName: src.parentName ?? src.unitName,
    projectName: src.projectName,
    projectCode: src.projectCode ?? '',
    money: {
      initial: money(src.budget.initial), adjusted: money(src.budget.adjusted), spent: money(src.budget.spent),
      weight: round2(new D(s.execution.weight)), rate: `${new D(s.execution.rate).toFixed(2)}%`, score: round2(new D(s.execution.score)),
    },
    goal: src.goal ?? '',
    goalActual: src.goalActual ?? '',
    rows,
    total,
    grade,
    profile: `${s.profile.id} 第 ${s.profile.version} 版`,
  };
}
