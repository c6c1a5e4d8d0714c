import {
  D,
  Light,
  LIGHT_LABELS as LIGHT_TEXT,
  officialSigns,
  parseTarget,
  SHEET_KIND_NAME,
  STATUS_NAME,
  withUnit,
} from '@selfeval/domain';
import { LevelCells, withLevelCells } from './form-text';

export interface MonitoringTableSource {
  year: number;
  period: 'Q1' | 'Q2' | 'Q3' | 'Q4';
  unitName: string;
  sheetName: string;
  department: boolean;
  projectCode: string | null;
  status: string;
  budget: { adjusted: string; spent: string };
  spending: { light: Light; executionRate: string; expected: string; progress: string };
  overspendExplanation: string | null;
  indicators: {
    level1: string;
    level2: string;
    name: string;
    targetRaw: string;
    current: string | null;
    progress: string | null;
    light: Light;
    likelihood: string | null;
    cause: string | null;
  }[];
}

export interface MonitoringTableVM {
  title: string;
  periodLabel: string;
  unitName: string;
  sheetName: string;
  projectCode: string;
  status: string;
  money: {
    adjusted: string;
    spent: string;
    rate: string;
    expected: string;
    progress: string;
    light: string;
    lightClass: string;
  };
  overspend: string;
  /** the 一级/二级指标 cells merged as on the 自评表 */
  rows: (LevelCells & {
    name: string;
    target: string;
    current: string;
    progress: string;
    light: string;
    lightClass: string;
    likelihood: string;
    cause: string;
  })[];
  counts: string;
}

const PERIOD_LABEL = { Q1: '一季度（1—3月）', Q2: '二季度（1—6月）', Q3: '三季度（1—9月）', Q4: '四季度（1—12月）' };
const STATUS_TEXT: Record<string, string> = STATUS_NAME;

/** Pure: the 季度绩效运行监控表 of one quarter report (domain.md §5–6). */
export function buildMonitoringTableVM(src: MonitoringTableSource): MonitoringTableVM {
  const rows = withLevelCells(
    src.indicators.map((i) => ({
      level1: i.level1,
      level2: i.level2,
      name: i.name,
      target: officialSigns(i.targetRaw),
      current: officialSigns(withUnit(i.current ?? '', parseTarget(officialSigns(i.targetRaw)).targets[0])),
      progress: i.progress === null ? '—' : `${new D(i.progress).toFixed(2)}%`,
      light: LIGHT_TEXT[i.light],
      lightClass: `light-${i.light}`,
      likelihood: i.likelihood ?? '',
      cause: i.cause ?? '',
    })),
  );
  const tally = (['red', 'yellow', 'green', 'blue', 'none'] as Light[])
    .map((l) => [l, src.indicators.filter((i) => i.light === l).length] as const)
    .filter(([, n]) => n > 0)
    .map(([l, n]) => `${LIGHT_TEXT[l]} ${n} 项`);
  return {
    title: `${src.year}年度${SHEET_KIND_NAME[src.department ? 'department' : 'project']}绩效运行监控表`,
    periodLabel: PERIOD_LABEL[src.period],
    unitName: src.unitName,
    sheetName: src.sheetName,
    projectCode: src.projectCode ?? '',
    status: STATUS_TEXT[src.status] ?? src.status,
    money: {
      adjusted: new D(src.budget.adjusted).toFixed(2),
      spent: new D(src.budget.spent).toFixed(2),
      rate: `${new D(src.spending.executionRate).toFixed(2)}%`,
      expected: `${new D(src.spending.expected).toFixed(2)}%`,
      progress: `${new D(src.spending.progress).toFixed(2)}%`,
      light: LIGHT_TEXT[src.spending.light],
      lightClass: `light-${src.spending.light}`,
    },
    overspend: src.overspendExplanation ?? '',
    rows,
    counts: tally.join('，'),
  };
}
