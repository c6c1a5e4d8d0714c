/** The documents selfeval renders (domain.md §6); stored with every PDF. */
export const REPORT_KINDS = [
  'project-self-eval',
  'department-self-eval',
  'department-report',
  'monitoring-table',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The year-end documents of a sheet: its 自评表, and for a department also the narrative 自评报告. */
export function reportKindsFor(sheetKind: 'department' | 'project'): ReportKind[] {
  return sheetKind === 'department' ? ['department-self-eval', 'department-report'] : ['project-self-eval'];
}

export const REPORT_KIND_TITLES: Record<ReportKind, string> = {
  'project-self-eval': '项目支出绩效自评表',
  'department-self-eval': '部门整体支出绩效自评表',
  'department-report': '部门整体支出绩效自评报告',
  'monitoring-table': '绩效运行监控表',
};
