import { can, inScope, passwordProblems, PERMISSIONS, ROLES } from './policy';

describe('access policy', () => {
  it('gives administrators everything and no other role users.manage', () => {
    for (const p of PERMISSIONS) expect(can('admin', p)).toBe(true);
    for (const r of ROLES.filter((x) => x !== 'admin')) expect(can(r, 'users.manage')).toBe(false);
  });

  it('separates duties: reporters write, heads confirm and submit, evaluators review', () => {
    expect([
      can('reporter', 'actuals.write'),
      can('reporter', 'actuals.confirm'),
      can('reporter', 'evaluation.submit'),
    ]).toEqual([true, false, false]);
    expect([
      can('head', 'actuals.confirm'),
      can('head', 'evaluation.submit'),
      can('head', 'evaluation.review'),
    ]).toEqual([true, true, false]);
    expect([
      can('evaluator', 'evaluation.review'),
      can('evaluator', 'actuals.write'),
      can('evaluator', 'evaluation.write'),
    ]).toEqual([true, false, false]);
  });

  it('scopes units', () => {
    expect(inScope({ all: true }, 'u1')).toBe(true);
    expect(inScope({ all: false, unitIds: ['u1'] }, 'u1')).toBe(true);
    expect(inScope({ all: false, unitIds: ['u1'] }, 'u2')).toBe(false);
    expect(inScope({ all: false, unitIds: [] }, 'u1')).toBe(false);
  });

  it('explains weak passwords in Chinese', () => {
    expect(passwordProblems('abc')).toEqual(['密码至少 10 位', '密码须同时包含字母和数字']);
    expect(passwordProblems('zhangsan2026x', 'zhangsan')).toEqual(['密码不能包含用户名']);
    expect(passwordProblems('Lukou-2026-ok')).toEqual([]);
  });
});
