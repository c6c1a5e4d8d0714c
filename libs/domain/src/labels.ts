/** Domain words shown to users, each defined once. */

/** The two kinds of 绩效目标表, as the published forms name them. */
export const SHEET_KIND_NAME = { department: '部门整体支出', project: '项目支出' } as const;

/** A department sheet is named by its kind, a project sheet by its project. */
export const DEPARTMENT_SHEET_NAME = SHEET_KIND_NAME.department;

export function sheetLabel(sheet: { kind: string; name: string }): string {
  return sheet.kind === 'department' ? DEPARTMENT_SHEET_NAME : sheet.name;
}

/** Workflow states of quarter reports, self-evaluations and target sheets. */
export const STATUS_NAME = {
  none: '未填报',
  draft: '草稿',
  submitted: '已提交',
  confirmed: '已确认',
  returned: '已退回',
  approved: '审核通过',
  superseded: '已被新版本替代',
  rejected: '已驳回',
} as const;
