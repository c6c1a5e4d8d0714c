import type { ExecutionScore, SheetScore } from '@selfeval/domain';
import { D, finalResult, officialSigns, parseTarget, round2, SHEET_KIND_NAME, withUnit } from '@selfeval/domain';
import { completeByDifference, FUND_ROWS, FundKey, fundKeyOfLabel, MoneyFigures } from './fund-rows';
import { LevelCells, withLevelCells } from './form-text';

/** A money row as report-data reads it today (label-keyed); mapped onto the form's fixed rows. */
export interface MoneyLine {
  label: string;
  /** shown indented under 年度资金总额 (其中：…) */
  detail: boolean;
  initial: string | null;
  adjusted: string | null;
  spent: string | null;
}

/** The signature block of the official form; every field optional (blank lines to fill by hand). */
export interface SignatureFields {
  head?: string | null;
  preparer?: string | null;
  phone?: string | null;
  date?: string | null;
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
  /** rows under 年度资金总额 by label (legacy input): by fund source for projects, by income and expense nature for departments */
  moneyLines?: MoneyLine[];
  /** rows under 年度资金总额 by the form's own keys; wins over moneyLines */
  funds?: Partial<Record<FundKey, Partial<MoneyFigures>>>;
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
  /** reviewer comments by indicator index, printed under the explanation */
  reviewerComments?: ReadonlyMap<number, string>;
  /** the unit's explanation of its 执行率 (低于要求或超预算) */
  executionExplanation?: string | null;
  signature?: SignatureFields;
}

export interface MoneyRowVM {
  /** a group heading printed on its own row above this one (按收入性质分：), or '' */
  caption: string;
  label: string;
  indent: boolean;
  initial: string;
  adjusted: string;
  spent: string;
  /** 分值, 执行率 and 得分 on 年度资金总额 only; "—" on the sub-rows, as on the form */
  weight: string;
  rate: string;
  score: string;
}

export interface IndicatorRowVM extends LevelCells {
  name: string;
  target: string;
  actual: string;
  weight: string;
  score: string;
  explanation: string;
  comment: string;
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
    head: string;
    lines: MoneyRowVM[];
    weight: string;
    rate: string;
    score: string;
    /** 执行率 explained: the rule when above 100 %, the unit's words (or the draft) when asked for */
    note: string;
  };
  goal: string;
  goalActual: string;
  rows: IndicatorRowVM[];
  /** the form's 分值 in all: 100 on the standard forms, whatever the unit's own totals add up to otherwise */
  points: string;
  /** "—" while the sheet is not graded */
  total: string;
  /** the grade, or why there is none ("未评分：缺少效益指标，补充后评分") */
  grade: string;
  /** why the sheet has no total and grade, or null */
  ungraded: string | null;
  reviewed: boolean;
  signature: { unit: string; head: string; preparer: string; phone: string; date: string };
}

const money = (v: string | null | undefined) => (v === null || v === undefined ? '' : new D(v).toFixed(2));

/** The form's fund rows, completed where the total allows (a single missing row is the difference). */
function moneyRows(src: SelfEvalSource, weight: string, rate: string, score: string): MoneyRowVM[] {
  const funds: Partial<Record<FundKey, Partial<MoneyFigures>>> = {};
  for (const l of src.moneyLines ?? []) {
    const key = fundKeyOfLabel(src.kind, l.label);
    if (key) funds[key] = { initial: l.initial, adjusted: l.adjusted, spent: l.spent };
  }
  Object.assign(funds, src.funds ?? {});
  const groups = FUND_ROWS[src.kind];
  const rows: MoneyRowVM[] = [
    { caption: '', label: '年度资金总额', indent: false, ...mapFigures(src.budget), weight, rate, score },
  ];
  for (const group of groups) {
    const figures = completeByDifference(
      src.budget,
      group.rows.map((r) => funds[r.key] ?? {}),
    );
    group.rows.forEach((r, i) =>
      rows.push({
        caption: i === 0 ? (group.caption ?? '') : '',
        label: r.label,
        indent: true,
        ...mapFigures(figures[i]),
        weight: '—',
        rate: '—',
        score: '—',
      }),
    );
  }
  return rows;
}

const mapFigures = (f: Partial<MoneyFigures>) => ({
  initial: money(f.initial),
  adjusted: money(f.adjusted),
  spent: money(f.spent),
});

/**
 * 偏差原因分析及改进措施 agreeing with the 得分 column: a "扣N分" written before a reviewer's change
 * (or by the draft) is restated as the points actually lost, or dropped when none are.
 */
export function consistentExplanation(text: string, weight: string, score: string): string {
  const lost = new D(weight).minus(score);
  const restated = lost.gt(0) ? `扣${round2(lost)}分` : '';
  return officialSigns(
    text.replace(/[，,]?\s*扣\s*\d+(?:\.\d+)?\s*分/g, (m) => (restated ? m.replace(/扣.*分/, restated) : '')),
  ).trim();
}

/**
 * A drafted explanation as the form's cell needs it: the row already shows 年度指标值 and 实际完成值,
 * and the quarterly trend belongs to the 监控表, so both are left out; the unit's own words are kept whole.
 */
export function conciseDraft(draft: string, name: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return draft
    .replace(/分季度累计完成情况：[^。]*。/g, '')
    .replace(new RegExp(`^${escaped}年度指标值[^，。]*，实际完成[^，。]*[，。]`), '');
}

function executionNote(src: SelfEvalSource, e: ExecutionScore | null, rate: string, score: string): string {
  const parts: string[] = [];
  // a form without an execution score (产出 40 / 效益 40 / 满意度 20) prints the rate for information only
  if (!e) return src.executionExplanation?.trim() ? officialSigns(src.executionExplanation.trim()) : '';
  if (new D(e.rate).gt(100))
    parts.push(`全年执行数超过全年预算数，执行率 ${rate}，按评分规则（${e.explanation.formula}）得 ${score} 分。`);
  const words = src.executionExplanation?.trim() || (e.needsExplanation ? e.draft : null);
  if (words) parts.push(words.trim());
  return officialSigns(parts.join(''));
}

/** Pure: numbers formatted here (money and scores to 2 decimals), the template only lays them out. */
export function buildSelfEvalTableVM(src: SelfEvalSource): SelfEvalTableVM {
  const s = src.score;
  if (s.errors?.length) throw new Error('evaluation has no score');
  const final = finalResult(s, src.reviewerScores);
  const base = s.indicators.map((ind) => {
    const i = src.indicators[ind.index];
    const reviewer = src.reviewerScores?.get(ind.index);
    const weight = round2(new D(ind.weight));
    const score = round2(new D(reviewer ?? ind.score));
    const target = parseTarget(officialSigns(i.targetRaw)).targets[0];
    return {
      level1: i.level1,
      level2: i.level2,
      name: officialSigns(i.name),
      target: officialSigns(i.targetRaw),
      actual: ind.notApplicable ? '不适用' : officialSigns(withUnit(i.actualRaw ?? '', target)),
      weight,
      score,
      explanation: consistentExplanation(i.explanation ?? conciseDraft(ind.draft ?? '', i.name), weight, score),
      comment: src.reviewerComments?.get(ind.index)?.trim() ?? '',
    };
  });
  const rows = withLevelCells(base);
  const department = src.kind === 'department';
  // 分值 and 得分 of 预算执行率 are "—" on a form without an execution score; its rate is still shown
  const weight = s.execution ? round2(new D(s.execution.weight)) : '—';
  const adjusted = new D(src.budget.adjusted || 0);
  const rate = s.execution
    ? `${new D(s.execution.rate).toFixed(2)}%`
    : adjusted.gt(0)
      ? `${new D(src.budget.spent || 0).div(adjusted).times(100).toFixed(2)}%`
      : '—';
  const execScore = s.execution ? round2(new D(s.execution.score)) : '—';
  const points = Object.values(s.buckets).reduce((acc, b) => acc.plus(b?.points ?? 0), new D(s.execution?.weight ?? 0));
  const kindLabel = `${SHEET_KIND_NAME[department ? 'department' : 'project']}绩效自评表`;
  const sig = src.signature ?? {};
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
      head: department ? '部门资金（万元）' : '项目资金（万元）',
      lines: moneyRows(src, weight, rate, execScore),
      weight,
      rate,
      score: execScore,
      note: executionNote(src, s.execution, rate, execScore),
    },
    goal: officialSigns(src.goal ?? ''),
    goalActual: officialSigns(src.goalActual ?? ''),
    rows,
    points: round2(points),
    total: final.total ?? '—',
    grade: final.grade ?? final.ungraded ?? '未评分',
    ungraded: final.ungraded,
    reviewed: final.reviewed,
    signature: {
      unit: src.unitName,
      head: sig.head ?? '',
      preparer: sig.preparer ?? '',
      phone: sig.phone ?? '',
      date: sig.date ?? '',
    },
  };
}
