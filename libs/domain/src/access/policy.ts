/**
 * Who may do what (issue 7). Roles are fixed; every route names the permission it needs, and the
 * unit it touches is checked against the actor's scope. Pure, so the access matrix can be tested
 * without HTTP.
 */
export const ROLES = ['admin', 'evaluator', 'reporter', 'head'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员（财政/主管部门）',
  evaluator: '评审人',
  reporter: '填报人',
  head: '单位负责人',
};

export const PERMISSIONS = [
  'account.self', // own password, own session
  'targets.read', // sheets, indicators, history, exports
  'targets.manage', // import, edit, approve, contacts, periods, reopen
  'actuals.read', // quarterly reports, evidence, audit, monitoring tables
  'actuals.write', // save drafts, upload workbooks and evidence, submit
  'actuals.confirm', // unit head: confirm or return a quarterly report
  'evaluation.read',
  'evaluation.write', // weights, explanations, texts, request scoring
  'evaluation.submit', // unit head: submit the self-evaluation
  'evaluation.review', // evaluator: reviewer scores, approve, return, profile
  'reports.generate', // render and mail the PDFs
  'board.read', // monitoring board across units
  'users.manage',
  'system.read', // queue dashboard
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, Permission[]> = {
  admin: [...PERMISSIONS],
  evaluator: [
    'account.self',
    'targets.read',
    'actuals.read',
    'evaluation.read',
    'evaluation.review',
    'reports.generate',
    'board.read',
  ],
  reporter: ['account.self', 'targets.read', 'actuals.read', 'actuals.write', 'evaluation.read', 'evaluation.write'],
  head: [
    'account.self',
    'targets.read',
    'actuals.read',
    'actuals.confirm',
    'evaluation.read',
    'evaluation.write',
    'evaluation.submit',
    'reports.generate',
  ],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** The units an actor may see: all (administrators) or a list (own unit; assigned units for evaluators). */
export type UnitScope = { all: true } | { all: false; unitIds: readonly string[] };

export function inScope(scope: UnitScope, unitId: string): boolean {
  return scope.all || scope.unitIds.includes(unitId);
}

/** Chinese problems with a new password; empty when it is acceptable. */
export function passwordProblems(password: string, username?: string): string[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push('密码至少 10 位');
  if (password.length > 200) problems.push('密码不能超过 200 位');
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) problems.push('密码须同时包含字母和数字');
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('密码不能包含用户名');
  return problems;
}
