import type { DataSource } from 'typeorm';
import {
  approvedProjectSheets,
  findEvaluation,
  findQuarterReport,
  findUnit,
  indicatorScores,
  IndicatorValueEntity,
  indicatorValues,
  monitoringResult,
  QuarterReportEntity,
  quarterReportsByPeriod,
  reportSpending,
  SelfEvaluationEntity,
  sheetWithIndicators,
  TargetSheetEntity,
} from '@selfeval/db';
import { D, outlineForRegion, PERIODS, pick, sheetLabel, staffText } from '@selfeval/domain';
import type { DepartmentReportSource } from './view-models/department-report';
import type { MonitoringTableSource } from './view-models/monitoring-table';
import type { MoneyLine, SelfEvalSource } from './view-models/self-eval-table';

/** The columns that head an indicator's row on every printed form: 一级指标, 二级指标, 三级指标, 指标值. */
const INDICATOR_HEADING = ['level1', 'level2', 'name', 'targetRaw'] as const;

/** What was reported for an indicator, as the forms print it: the value as typed, or a qualitative one's grade. */
const reported = (v: IndicatorValueEntity | undefined) => v?.valueRaw ?? v?.grade ?? null;

/** Lines under 年度资金总额, in the order of the published forms; absent figures are left out. */
function moneyLines(sheet: TargetSheetEntity, spentBySource: Map<string, string>): MoneyLine[] {
  const b = sheet.budget ?? {};
  const line = (label: string, initial: string | undefined, spent: string | null = null): MoneyLine | null =>
    initial === undefined && spent === null
      ? null
      : { label, detail: true, initial: initial ?? null, adjusted: null, spent };
  const lines =
    sheet.kind === 'department'
      ? [
          line('其中：一般公共预算', b.generalPublic),
          line('政府性基金', b.governmentFund),
          line('财政专户管理资金', b.specialAccount),
          line('其他资金', b.other),
          line('按支出性质：基本支出', b.basic),
          line('项目支出', b.project),
        ]
      : [
          line('其中：财政拨款', b.fiscal, spentBySource.get('财政拨款') ?? null),
          line('上年结转', b.carryover, spentBySource.get('上年结转') ?? null),
          line('其他资金', b.other, spentBySource.get('其他资金') ?? null),
        ];
  return lines.filter((l): l is MoneyLine => l !== null);
}

/** Everything a 自评表 shows, read from the database for one scored evaluation. */
export async function loadSelfEvalSource(ds: DataSource, evaluation: SelfEvaluationEntity): Promise<SelfEvalSource> {
  if (!evaluation.result) throw new Error(`evaluation ${evaluation.id} has no scores`);
  const score = evaluation.result;
  const { sheet, indicators } = await sheetWithIndicators(ds, evaluation.sheetId);
  const unit = await findUnit(ds, sheet.unitId);
  const q4 = await findQuarterReport(ds, sheet.id, 'Q4');
  const values = new Map((q4 ? await indicatorValues(ds, q4.id) : []).map((v) => [v.indicatorId, v]));
  const spent = new Map((q4 ? await reportSpending(ds, q4.id) : []).map((s) => [s.source, s.amount]));
  const rows = new Map((await indicatorScores(ds, evaluation.id)).map((r) => [r.indicatorId, r]));
  const reviewerScores = new Map<number, string>();
  const reviewerComments = new Map<number, string>();
  indicators.forEach((ind, i) => {
    const r = rows.get(ind.id)?.reviewerScore;
    if (r !== null && r !== undefined) reviewerScores.set(i, r);
    const comment = rows.get(ind.id)?.reviewerComment;
    if (comment) reviewerComments.set(i, comment);
  });
  return {
    kind: sheet.kind,
    year: sheet.year,
    unitName: unit.name,
    parentName: unit.parentName ?? (sheet.attributes['主管部门'] || null),
    projectName: sheet.kind === 'department' ? unit.name : sheet.name,
    projectCode: sheet.projectCode,
    budget: {
      initial: sheet.budgetTotal ?? '0',
      adjusted: q4?.adjustedBudget ?? sheet.budgetTotal ?? '0',
      spent: q4?.spentTotal ?? '0',
    },
    moneyLines: moneyLines(sheet, spent),
    goal: sheet.goal,
    goalActual: evaluation.goalActual,
    indicators: indicators.map((ind) => ({
      ...pick(ind, INDICATOR_HEADING),
      actualRaw: reported(values.get(ind.id)),
      explanation: rows.get(ind.id)?.explanationText ?? null,
    })),
    score,
    reviewerScores,
    reviewerComments,
    executionExplanation: evaluation.executionExplanation,
    // 填表人 and 联系电话 of the form's signature block: the contact the unit gave in its 单位概况
    signature: { preparer: unit.contactPerson, phone: unit.contactPhone },
  };
}

/**
 * The narrative report of a unit's department evaluation, with every scored project evaluation of
 * the same unit and year as annexes (projects not yet scored are left out and named in the log).
 */
export async function loadDepartmentReportSource(
  ds: DataSource,
  evaluation: SelfEvaluationEntity,
): Promise<{ source: DepartmentReportSource; unscored: string[] }> {
  const { sheet } = await sheetWithIndicators(ds, evaluation.sheetId);
  if (sheet.kind !== 'department') throw new Error(`sheet ${sheet.id} is not a department sheet`);
  const unit = await findUnit(ds, sheet.unitId);
  const projectSheets = await approvedProjectSheets(ds, unit.id, sheet.year);
  const projects: SelfEvalSource[] = [];
  const unscored: string[] = [];
  const otherProjects: NonNullable<DepartmentReportSource['otherProjects']> = [];
  for (const ps of projectSheets) {
    const pe = await findEvaluation(ds, ps.id);
    if (pe?.scoreState === 'scored' && pe.result) projects.push(await loadSelfEvalSource(ds, pe));
    else {
      unscored.push(ps.name);
      // its money still belongs to the department's 项目支出
      const q4 = await findQuarterReport(ds, ps.id, 'Q4');
      const initial = ps.budgetTotal ?? '0';
      otherProjects.push({
        name: ps.name,
        budget: { initial, adjusted: q4?.adjustedBudget ?? initial, spent: q4?.spentTotal ?? '0' },
      });
    }
  }
  const byPeriod = await quarterReportsByPeriod(ds, sheet.id);
  return {
    source: {
      year: sheet.year,
      unitName: unit.name,
      parentName: unit.parentName ?? (sheet.attributes['主管部门'] || null),
      outline: outlineForRegion(unit.region),
      texts: evaluation.reportTexts ?? {},
      departmentBudget: sheet.budget ?? {},
      spendingPlan: sheet.spendingPlan,
      quarterlySpent: PERIODS.map((p) => byPeriod.get(p)?.spentTotal ?? null),
      department: await loadSelfEvalSource(ds, evaluation),
      projects,
      otherProjects,
      // 一 部门基本情况: the 单位概况 the unit filled on its page
      unitProfile: { functions: unit.functions, organization: unit.organization, staff: staffText(unit) },
    },
    unscored,
  };
}

/** The 季度绩效运行监控表 of one quarter report, from its stored monitoring result. */
export async function loadMonitoringSource(
  ds: DataSource,
  report: QuarterReportEntity,
): Promise<MonitoringTableSource> {
  const { sheet, indicators } = await sheetWithIndicators(ds, report.sheetId);
  const unit = await findUnit(ds, sheet.unitId);
  const result = await monitoringResult(ds, report.id);
  if (!result || result.dataVersion !== report.dataVersion)
    throw new Error(`monitoring of report ${report.id} v${report.dataVersion} not computed yet`);
  const details = result.details;
  const lights = new Map(details.indicators.map((l) => [l.indicatorId, l]));
  const values = new Map((await indicatorValues(ds, report.id)).map((v) => [v.indicatorId, v]));
  return {
    year: report.year,
    period: report.period as MonitoringTableSource['period'],
    unitName: unit.name,
    sheetName: sheetLabel(sheet),
    department: sheet.kind === 'department',
    projectCode: sheet.projectCode,
    status: report.status,
    budget: { adjusted: report.adjustedBudget, spent: report.spentTotal },
    spending: details.spending,
    overspendExplanation: new D(report.spentTotal).gt(report.adjustedBudget) ? report.overspendExplanation : null,
    indicators: indicators.map((i) => {
      const v = values.get(i.id);
      const l = lights.get(i.id);
      const cause = [v?.causeCategory, v?.causeText].filter(Boolean).join('：');
      return {
        ...pick(i, INDICATOR_HEADING),
        current: reported(v),
        progress: l?.progress ?? null,
        light: l?.light ?? 'none',
        likelihood: v?.likelihood ?? null,
        cause: cause || null,
      };
    }),
  };
}
