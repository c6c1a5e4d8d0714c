import type { BudgetKey, ReportOutline, SectionSource, SpendingCheckpoint } from '@selfeval/domain';
import { D, DEPARTMENT_SHEET_NAME, plannedPercent, round2, UNIT_PROFILE_MISSING } from '@selfeval/domain';
import { bucketScoreChart, spendingProgressChart, Svg } from '../charts';
import { buildSelfEvalTableVM, IndicatorRowVM, SelfEvalSource, SelfEvalTableVM } from './self-eval-table';

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
  /** 一 部门基本情况 in the unit's own words (filled on the unit's page) */
  unitProfile?: UnitProfile | null;
  /** the unit's approved projects that have no scored self-evaluation: their money still counts */
  otherProjects?: { name: string; budget: { initial: string; adjusted: string; spent: string } }[];
}

export interface UnitProfile {
  /** 部门职能 */
  functions?: string | null;
  /** 机构设置 */
  organization?: string | null;
  /** 人员情况 */
  staff?: string | null;
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
  /** the chart and its figures as a table (the Word copy prints the table: editable, no image converter) */
  charts: { caption: string; svg: Svg; data: ReportTable }[];
  own: string[];
  missing: boolean;
  /** what an empty section prints: what to fill and where */
  missingText: string;
}

export interface DepartmentReportVM {
  title: string;
  unitName: string;
  parentName: string;
  year: string;
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
  const out: ({ sheet: string } & Pick<
    IndicatorRowVM,
    'name' | 'target' | 'actual' | 'weight' | 'score' | 'explanation'
  >)[] = [];
  all.forEach((vm, k) => {
    for (const r of vm.rows) {
      if (new D(r.score).lt(r.weight) || r.actual === '不适用') out.push({ sheet: sheetLabel(sources[k]), ...r });
    }
  });
  return out;
}

const INCOME_ROWS: [BudgetKey, string][] = [
  ['generalPublic', '一般公共预算'],
  ['governmentFund', '政府性基金'],
  ['specialAccount', '财政专户管理资金'],
  ['other', '单位资金'],
];
const EXPENSE_ROWS: [BudgetKey, string][] = [
  ['basic', '基本支出'],
  ['project', '项目支出'],
];

/**
 * Every project's money, self-evaluated or not, so the 项目支出合计 agrees with the 项目支出 of the
 * text: projects without a 自评表 are listed as such, and money the sheets do not account for is one row.
 */
function projectMoneyTable(src: DepartmentReportSource): ReportTable | null {
  const listed = [
    ...src.projects.map((p) => ({ name: p.projectName, budget: p.budget })),
    ...(src.otherProjects ?? []).map((p) => ({ name: `${p.name}（未单独自评）`, budget: p.budget })),
  ];
  const rows = listed.map((p) => [
    p.name,
    new D(p.budget.initial).toFixed(2),
    new D(p.budget.adjusted).toFixed(2),
    new D(p.budget.spent).toFixed(2),
    rate(p.budget.spent, p.budget.adjusted),
  ]);
  const sum = (k: 'initial' | 'adjusted' | 'spent') => listed.reduce((acc, p) => acc.plus(p.budget[k]), new D(0));
  const declared = src.departmentBudget.project;
  const gap = declared === undefined ? new D(0) : new D(declared).minus(sum('initial'));
  if (gap.gt(0)) rows.push(['其他项目支出（未列入项目绩效目标表）', gap.toFixed(2), '', '', '']);
  if (!rows.length) return null;
  const initial = sum('initial').plus(gap.gt(0) ? gap : 0);
  rows.push([
    '项目支出合计',
    initial.toFixed(2),
    sum('adjusted').toFixed(2),
    sum('spent').toFixed(2),
    rate(sum('spent').toFixed(), sum('adjusted').toFixed()),
  ]);
  return { head: ['项目名称', '年初预算数（万元）', '全年预算数（万元）', '全年执行数（万元）', '执行率'], rows };
}

/** Whether the department sheet published its money (a 年初预算 or a 资金总额 above zero). */
function moneyPublished(src: DepartmentReportSource): boolean {
  const given = (v: string | null | undefined) => v !== undefined && v !== null && v !== '' && new D(v).gt(0);
  return given(src.departmentBudget.total) || given(src.department.budget.initial);
}

function facts(
  source: SectionSource,
  src: DepartmentReportSource,
  tables: SelfEvalTableVM[],
  sources: SelfEvalSource[],
): Pick<ReportSectionVM, 'facts' | 'table' | 'charts'> & { profileMissing?: boolean } {
  const b = src.departmentBudget;
  const dep = tables[0];
  switch (source) {
    case 'unit-profile': {
      const p = src.unitProfile ?? {};
      const given: [string, string | undefined][] = [
        ['部门职能', p.functions?.trim()],
        ['机构设置', p.organization?.trim()],
        ['人员情况', p.staff?.trim()],
      ];
      const lines = given.flatMap(([k, v]) => (v ? [`${k}：${v}`] : [])).map((l, i) => `（${'一二三'[i]}）${l}`);
      return {
        facts: [
          ...lines,
          moneyPublished(src)
            ? `${src.year}年度部门整体年初预算 ${m2(src.department.budget.initial)} 万元，全年预算数 ${m2(src.department.budget.adjusted)} 万元。`
            : `${src.year}年度部门整体支出绩效目标表未列年初预算，全年预算数 ${m2(src.department.budget.adjusted)} 万元。`,
        ],
        table: null,
        charts: [],
        profileMissing: !lines.length,
      };
    }
    case 'general-budget': {
      // a group the target sheet filled is printed whole (its empty rows are 0); a group it left empty is not invented
      const group = (rows: [BudgetKey, string][]) =>
        rows.some(([k]) => b[k] !== undefined) ? rows.map(([k, label]) => `${label} ${m2(b[k] ?? '0')} 万元`) : [];
      const clauses = [
        ['按收入性质分', group(INCOME_ROWS)],
        ['按支出性质分', group(EXPENSE_ROWS)],
      ]
        .filter(([, parts]) => parts.length)
        .map(([name, parts]) => `${name}：${(parts as string[]).join('，')}`);
      const d = src.department.budget;
      const text = [
        // a sheet published without money says so: 0.00 beside the projects' money would read as a contradiction
        moneyPublished(src)
          ? `${src.year}年度部门预算资金总额 ${m2(b.total ?? d.initial)} 万元` +
            (clauses.length ? `，${clauses.join('；')}。` : '。')
          : `${src.year}年度部门整体支出绩效目标表未列部门预算资金总额；下表为本部门各项目的预算与执行。`,
        `全年预算数 ${m2(d.adjusted)} 万元，全年执行数 ${m2(d.spent)} 万元，预算执行率 ${rate(d.spent, d.adjusted)}。`,
      ];
      return { facts: text, table: projectMoneyTable(src), charts: [] };
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
          dep.ungraded
            ? `部门整体支出绩效${dep.ungraded}；预算执行率 ${dep.money.rate}。`
            : `部门整体支出绩效自评得分 ${dep.total} 分，等级“${dep.grade}”${dep.reviewed ? '（含评审调整）' : ''}；预算执行率 ${dep.money.rate}。`,
          ...tables
            .slice(1)
            .map((t) =>
              t.ungraded
                ? `项目“${t.projectName}”${t.ungraded}，预算执行率 ${t.money.rate}。`
                : `项目“${t.projectName}”自评得分 ${t.total} 分，等级“${t.grade}”，预算执行率 ${t.money.rate}。`,
            ),
        ],
        table: {
          head: ['绩效目标表', '执行率', '自评得分', '等级'],
          rows: tables.map((t, k) => [sheetLabel(sources[k]), t.money.rate, t.total, t.grade]),
        },
        charts: [
          {
            caption: '图1 部门整体支出分值与得分',
            svg: bucketScoreChart(bars),
            data: { head: ['指标类别', '分值', '得分'], rows: bars.map((b) => [b.label, b.points, b.score]) },
          },
          {
            caption: '图2 部门整体支出累计执行率与资金支出计划',
            svg: spendingProgressChart(points),
            data: {
              head: ['季度', '计划进度', '实际执行率'],
              rows: points.map((p) => [p.label, `${p.plan}%`, p.actual === null ? '未填报' : `${p.actual}%`]),
            },
          },
        ],
      };
    }
    case 'problems': {
      const execution = tables
        .map((t, k) => ({ t, k }))
        // a form without an execution score prints "—" there: nothing was deducted
        .filter(({ t }) => t.money.score !== '—' && new D(t.money.score).lt(t.money.weight))
        .map(
          ({ t, k }) =>
            `${sheetLabel(sources[k])}预算执行率 ${t.money.rate}，得分 ${t.money.score}（分值 ${t.money.weight}）。${t.money.note}`,
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
    sections: src.outline.sections.map((s) => {
      const own = paragraphs(src.texts[s.id]);
      const { profileMissing, ...f } = facts(s.source, src, tables, sources);
      return {
        id: s.id,
        title: s.title,
        ...f,
        own,
        missing: !own.length && ((!f.facts.length && !f.table && !f.charts.length) || !!profileMissing),
        missingText: profileMissing ? UNIT_PROFILE_MISSING : '（单位未填写本节内容）',
      };
    }),
    annexes: tables,
  };
}
