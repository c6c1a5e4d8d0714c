import type { BudgetKey, ReportOutline, SectionSource, SpendingCheckpoint } from '@selfeval/domain';
import { D, DEPARTMENT_SHEET_NAME, plannedPercent, round2 } from '@selfeval/domain';
import { bucketScoreChart, spendingProgressChart, Svg } from '../charts';
import { buildSelfEvalTableVM, SelfEvalSource, SelfEvalTableVM } from './self-eval-table';

export interface DepartmentReportSource {
  year: number;
  unitName: string;
  parentName: string | null;
  outline: ReportOutline;
  /** the unit's own words by section id */
  texts: Record<string, string>;
  /** the department sheet's money block as imported (万元) */
  departmentBudget: Partial<Record<BudgetKey, string>>;
  spendingPlan: SpendingCheckpoint[];
  /** cumulative spending of the department sheet at the end of Q1..Q4 */
  quarterlySpent: (string | null)[];
  department: SelfEvalSource;
  projects: SelfEvalSource[];
}

export interface ReportTable {
  head: string[];
  rows: string[][];
}

export interface ReportSectionVM {
  id: string;
  title: string;
  facts: string[];
  table: ReportTable | null;
  charts: { caption: string; svg: Svg }[];
  own: string[];
  missing: boolean;
}

export interface DepartmentReportVM {
  title: string;
  unitName: string;
  parentName: string;
  year: string;
  outline: string;
  sections: ReportSectionVM[];
  annexes: SelfEvalTableVM[];
}

const BUCKET_LABELS: Record<string, string> = {
  execution: '预算执行率',
  output: '产出',
  effect: '效益',
  satisfaction: '满意度',
  decision: '决策',
  management: '管理',
};
const m2 = (v: string | null | undefined) => (v === null || v === undefined ? null : new D(v).toFixed(2));
const rate = (spent: string, budget: string) =>
  new D(budget).lte(0) ? '—' : `${new D(spent).div(budget).times(100).toFixed(2)}%`;
const paragraphs = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
const sheetLabel = (s: SelfEvalSource) => (s.kind === 'department' ? DEPARTMENT_SHEET_NAME : s.projectName);

/** The 改进措施 part of an explanation, when the unit (or the draft) wrote one. */
export function measureOf(explanation: string): string | null {
  const m = /改进措施[：:]\s*([\s\S]+)$/.exec(explanation);
  return m ? m[1].trim() : null;
}

/** Indicators that lost points or needed an explanation, across the department and its projects. */
function shortfalls(all: SelfEvalTableVM[], sources: SelfEvalSource[]) {
  const out: {
    sheet: string;
    name: string;
    target: string;
    actual: string;
    weight: string;
    score: string;
    explanation: string;
  }[] = [];
  all.forEach((vm, k) => {
    for (const r of vm.rows) {
      if (new D(r.score).lt(r.weight) || r.actual === '不适用') out.push({ sheet: sheetLabel(sources[k]), ...r });
    }
  });
  return out;
}

function facts(
  source: SectionSource,
  src: DepartmentReportSource,
  tables: SelfEvalTableVM[],
  sources: SelfEvalSource[],
): Pick<ReportSectionVM, 'facts' | 'table' | 'charts'> {
  const b = src.departmentBudget;
  const dep = tables[0];
  switch (source) {
    case 'unit-profile': {
      const names = src.projects.map((p) => `“${p.projectName}”`).join('、');
      return {
        facts: [
          `${src.unitName}${src.parentName && src.parentName !== src.unitName ? `（主管部门：${src.parentName}）` : ''}${src.year}年度纳入绩效自评的有部门整体支出绩效目标表 1 张` +
            (src.projects.length ? `、项目支出绩效目标表 ${src.projects.length} 张（${names}）。` : '。'),
          `部门整体年度资金总额 ${m2(src.department.budget.initial)} 万元，全年预算数 ${m2(src.department.budget.adjusted)} 万元。`,
        ],
        table: null,
        charts: [],
      };
    }
    case 'general-budget': {
      const parts: string[] = [];
      if (b.generalPublic) parts.push(`一般公共预算 ${m2(b.generalPublic)} 万元`);
      if (b.basic) parts.push(`基本支出 ${m2(b.basic)} 万元`);
      if (b.project) parts.push(`项目支出 ${m2(b.project)} 万元`);
      const d = src.department.budget;
      const text = [
        `${src.year}年度部门预算${parts.length ? `：${parts.join('，')}` : `资金总额 ${m2(d.initial)} 万元`}。`,
        `全年预算数 ${m2(d.adjusted)} 万元，全年执行数 ${m2(d.spent)} 万元，预算执行率 ${rate(d.spent, d.adjusted)}。`,
      ];
      const rows = src.projects.map((p) => [
        p.projectName,
        m2(p.budget.adjusted) ?? '',
        m2(p.budget.spent) ?? '',
        rate(p.budget.spent, p.budget.adjusted),
      ]);
      let table: ReportTable | null = null;
      if (rows.length) {
        const sum = (k: 'adjusted' | 'spent') =>
          src.projects.reduce((acc, p) => acc.plus(p.budget[k]), new D(0)).toFixed(2);
        rows.push(['项目合计', sum('adjusted'), sum('spent'), rate(sum('spent'), sum('adjusted'))]);
        table = { head: ['项目名称', '全年预算数（万元）', '全年执行数（万元）', '执行率'], rows };
      }
      return { facts: text, table, charts: [] };
    }
    case 'fund-budget':
      return {
        facts: [
          b.governmentFund && !new D(b.governmentFund).isZero()
            ? `${src.year}年度政府性基金预算 ${m2(b.governmentFund)} 万元。`
            : `${src.year}年度本部门无政府性基金预算支出。`,
        ],
        table: null,
        charts: [],
      };
    case 'performance': {
      const points = ['Q1', 'Q2', 'Q3', 'Q4'].map((label, i) => {
        const spent = src.quarterlySpent[i];
        return {
          label: ['一季度', '二季度', '三季度', '四季度'][i],
          plan: plannedPercent(src.spendingPlan, (i + 1) * 3).toFixed(2),
          actual:
            spent === null || new D(src.department.budget.adjusted).lte(0)
              ? null
              : new D(spent).div(src.department.budget.adjusted).times(100).toFixed(2),
        };
      });
      const score = src.department.score;
      const execution = score.execution;
      const bars = [
        ...(execution
          ? [
              {
                label: BUCKET_LABELS.execution,
                points: round2(new D(execution.weight)),
                score: round2(new D(execution.score)),
              },
            ]
          : []),
        ...Object.entries(score.buckets).flatMap(([k, v]) =>
          v ? [{ label: BUCKET_LABELS[k] ?? k, points: round2(new D(v.points)), score: round2(new D(v.score)) }] : [],
        ),
      ];
      return {
        facts: [
          `部门整体支出绩效自评得分 ${dep.total} 分，等级“${dep.grade}”${dep.reviewed ? '（含评审调整）' : ''}；预算执行率 ${dep.money.rate}。`,
          ...tables
            .slice(1)
            .map((t) => `项目“${t.projectName}”自评得分 ${t.total} 分，等级“${t.grade}”，预算执行率 ${t.money.rate}。`),
        ],
        table: {
          head: ['绩效目标表', '执行率', '自评得分', '等级'],
          rows: tables.map((t, k) => [sheetLabel(sources[k]), t.money.rate, t.total, t.grade]),
        },
        charts: [
          { caption: '图1 部门整体支出分值与得分', svg: bucketScoreChart(bars) },
          { caption: '图2 部门整体支出累计执行率与资金支出计划', svg: spendingProgressChart(points) },
        ],
      };
    }
    case 'problems': {
      const execution = tables
        .map((t, k) => ({ t, k }))
        .filter(({ t }) => new D(t.money.score).lt(t.money.weight))
        .map(
          ({ t, k }) =>
            `${sheetLabel(sources[k])}预算执行率 ${t.money.rate}，得分 ${t.money.score}（分值 ${t.money.weight}）。${sources[k].score.execution?.draft ?? ''}`,
        );
      const list = shortfalls(tables, sources).map(
        (r) =>
          `${r.sheet}“${r.name}”：年度指标值 ${r.target}，实际完成 ${r.actual || '未填报'}，得分 ${r.score}（分值 ${r.weight}）。${r.explanation}`,
      );
      const all = [...execution, ...list];
      return {
        facts: all.length
          ? all.map((line, k) => `${k + 1}. ${line}`)
          : ['各项绩效指标均已完成，预算全部执行，未发现扣分事项。'],
        table: null,
        charts: [],
      };
    }
    case 'measures': {
      const list = shortfalls(tables, sources)
        .map((r) => ({ r, measure: measureOf(r.explanation) }))
        .filter((x) => x.measure);
      return { facts: list.map((x, k) => `${k + 1}. 针对“${x.r.name}”：${x.measure}`), table: null, charts: [] };
    }
    case 'text':
      return { facts: [], table: null, charts: [] };
  }
}

/** Pure: the whole narrative report, data-bound sections in outline order plus the unit's own words; annexes are the 自评表s. */
export function buildDepartmentReportVM(src: DepartmentReportSource): DepartmentReportVM {
  const sources = [src.department, ...src.projects];
  const tables = sources.map(buildSelfEvalTableVM);
  return {
    title: `${src.unitName}${src.year}年度部门整体支出绩效自评报告`,
    unitName: src.unitName,
    parentName: src.parentName ?? src.unitName,
    year: String(src.year),
    outline: src.outline.name,
    sections: src.outline.sections.map((s) => {
      const own = paragraphs(src.texts[s.id]);
      const f = facts(s.source, src, tables, sources);
      return {
        id: s.id,
        title: s.title,
        ...f,
        own,
        missing: !own.length && !f.facts.length && !f.table && !f.charts.length,
      };
    }),
    annexes: tables,
  };
}
