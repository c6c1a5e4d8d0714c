import { monthDay, selectTodos, TodoFacts, whoLabel } from './todo';
import { formatDateTime } from './date-format';

// 2026-04-10 10:00 in Beijing
const NOW = new Date('2026-04-10T02:00:00Z');
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

function facts(over: Partial<TodoFacts> = {}): TodoFacts {
  const sheet = (id: string, unitId: string, unitName: string, kind: string, name: string, status: string) => ({
    id,
    unitId,
    unitName,
    year: 2026,
    kind,
    name,
    sheetKey: kind === 'department' ? 'department' : `project:${name}`,
    status,
  });
  return {
    now: NOW,
    sheets: [
      sheet('d1', 'u1', '甲单位', 'department', '甲单位', 'approved'),
      sheet('p1', 'u1', '甲单位', 'project', '专项一', 'approved'),
      sheet('p1v2', 'u1', '甲单位', 'project', '专项一', 'draft'),
      sheet('n1', 'u1', '甲单位', 'project', '新项目', 'draft'),
    ],
    reports: [],
    evaluations: [],
    periods: [
      { year: 2026, period: 'Q1', opensAt: day(-10), closesAt: day(5) },
      { year: 2026, period: 'Q2', opensAt: day(60), closesAt: day(75) },
      { year: 2025, period: 'Q4', opensAt: day(-120), closesAt: day(-90) },
    ],
    reopens: [],
    ...over,
  };
}
const section = (s: ReturnType<typeof selectTodos>, key: string) => {
  const found = s.find((x) => x.key === key);
  if (!found) throw new Error(`no section ${key} in ${s.map((x) => x.key).join(', ')}`);
  return found;
};
const ev = (sheetId: string, status: string, returnReason: string | null = null, total: string | null = null) => ({
  sheetId,
  status,
  returnReason,
  total,
  scoreState: 'scored',
});

describe('selectTodos', () => {
  it('reporter: open quarters by deadline with a sentence naming it, drafts included, returned ones with the reason', () => {
    const s = selectTodos(
      'reporter',
      facts({
        reports: [
          { sheetId: 'd1', period: 'Q1', status: 'draft', returnReason: null },
          { sheetId: 'p1', period: 'Q1', status: 'returned', returnReason: '支出数与账面不符' },
        ],
        reopens: [{ unitId: 'u1', year: 2026, period: 'Q2', until: day(2) }],
      }),
    );
    const open = section(s, 'open-quarters');
    // Q2 reopened for the unit until day 2 comes before Q1 closing on day 5; p1 Q1 is returned, not open
    expect(open.items.map((i) => i.href)).toEqual([
      '/sheets/d1/periods/Q2',
      '/sheets/p1/periods/Q2',
      '/sheets/d1/periods/Q1',
    ]);
    expect(open.total).toBe(3);
    expect(open.items[0]).toMatchObject({
      title: '甲单位 · 2026 年 部门整体支出 · 二季度（1–6月）',
      reason: '二季度报告待填报，截止 4月12日',
      action: '填报',
    });
    expect(open.items[2]).toMatchObject({ reason: '一季度报告已存草稿，尚未提交，截止 4月15日', action: '继续填报' });
    expect(section(s, 'returned-quarters').items).toEqual([
      expect.objectContaining({
        href: '/sheets/p1/periods/Q1',
        reason: '一季度报告被单位负责人退回：支出数与账面不符，请修改后在 4月15日 前重新提交',
      }),
    ]);
  });

  it('reporter: a closed period is no to-do, drafts of target sheets never are; nothing at all → no sections', () => {
    const s = selectTodos('reporter', facts({ now: day(30) }));
    expect(s).toEqual([]);
  });

  it('reporter and head: year-end evaluations in draft or returned; head: submitted quarters to confirm', () => {
    const f = facts({
      reports: [
        { sheetId: 'd1', period: 'Q1', status: 'submitted', returnReason: null },
        { sheetId: 'p1', period: 'Q1', status: 'confirmed', returnReason: null },
      ],
      evaluations: [ev('d1', 'returned', '说明过于简单', '88.5'), ev('p1', 'submitted', null, '90')],
    });
    expect(section(selectTodos('reporter', f), 'evaluations').items).toEqual([
      expect.objectContaining({
        href: '/sheets/d1/evaluation',
        reason: '年度自评被评审退回：说明过于简单；请修改后由单位负责人重新提交',
      }),
    ]);
    const head = selectTodos('head', f);
    expect(section(head, 'quarters-to-confirm').items).toEqual([
      expect.objectContaining({ href: '/sheets/d1/periods/Q1', reason: '一季度报告已提交，待您确认或退回' }),
    ]);
    expect(section(head, 'evaluations-to-submit').items.map((i) => i.href)).toEqual(['/sheets/d1/evaluation']);
    const draft = selectTodos('head', facts({ evaluations: [ev('p1', 'draft', null, '91.20')] }));
    expect(section(draft, 'evaluations-to-submit').items[0].reason).toBe('年度自评待您提交评审（自评得分 91.20）');
  });

  it('evaluator: submitted evaluations only, a resubmission says why it came back', () => {
    const s = selectTodos(
      'evaluator',
      facts({ evaluations: [ev('d1', 'submitted', '补充佐证', '91'), ev('p1', 'approved', null, '95')] }),
    );
    expect(s.map((x) => x.key)).toEqual(['evaluations-to-review']);
    expect(section(s, 'evaluations-to-review').items).toEqual([
      expect.objectContaining({
        href: '/sheets/d1/evaluation',
        reason: '年度自评已重新提交，待评审（自评得分 91）；此前退回原因：补充佐证',
        action: '评审',
      }),
    ]);
  });

  it('admin: failed mails with their error, failed jobs, draft sheets to their approval page, units without e-mail, open periods', () => {
    const s = selectTodos(
      'admin',
      facts({
        reports: [{ sheetId: 'd1', period: 'Q1', status: 'confirmed', returnReason: null }],
        units: [
          { id: 'u1', code: '001', name: '甲单位', contactEmail: 'a@example.gov.cn' },
          { id: 'u2', code: '002', name: '乙单位', contactEmail: null },
          { id: 'u3', code: '丙单位', name: '丙单位', contactEmail: null },
        ],
        failedMails: [
          { id: 'm1', recipient: 'x@example.gov.cn', subject: '【绩效自评】提醒', error: '550 无此用户', at: day(-1) },
        ],
        failedMailCount: 4,
        failedReports: [
          {
            sheetId: 's9',
            title: '乙单位 · 2026 年 部门整体支出',
            document: '部门整体支出绩效自评报告',
            recipient: null,
            error: '单位未设置联系邮箱',
          },
        ],
        failedJobs: [
          { queue: 'mail', label: '通知', count: 1 },
          { queue: 'reports', label: '报告生成', count: 0 },
        ],
      }),
    );
    expect(section(s, 'failed-reports').items).toEqual([
      expect.objectContaining({
        title: '乙单位 · 2026 年 部门整体支出 · 部门整体支出绩效自评报告',
        reason: '报告未送达：单位未设置联系邮箱',
        href: '/sheets/s9/evaluation#reports',
        action: '重新发送',
      }),
    ]);
    const mails = section(s, 'failed-mails');
    expect(mails.total).toBe(4);
    expect(mails.items).toEqual([
      expect.objectContaining({ reason: '邮件发送失败：550 无此用户', href: '/admin/mail#mail-m1' }),
    ]);
    expect(section(s, 'failed-jobs').items.map((i) => [i.title, i.href])).toEqual([
      ['通知作业', '/admin/queues/queue/%E9%80%9A%E7%9F%A5?status=failed'],
    ]);
    expect(section(s, 'draft-sheets').items.map((i) => [i.href, i.reason])).toEqual([
      ['/admin/sheets/p1v2', '目标调整：新版本待审核批复'],
      ['/admin/sheets/n1', '新导入的目标表待审核批复'],
    ]);
    expect(section(s, 'units-without-email').items).toEqual([
      expect.objectContaining({ title: '乙单位（002）', href: '/units/u2/profile' }),
      expect.objectContaining({ title: '丙单位', href: '/units/u3/profile' }),
    ]);
    expect(section(s, 'open-periods').items).toEqual([
      expect.objectContaining({
        title: '2026 年一季度（1–3月）',
        reason: '一季度报告已报送 1 / 2 张目标表，截止 4月15日',
        href: '/board?year=2026&period=Q1',
      }),
    ]);
  });

  it("never lists another role's work: a reporter sees no submitted quarter, a head no open quarter, an evaluator no draft", () => {
    const f = facts({
      reports: [{ sheetId: 'd1', period: 'Q1', status: 'submitted', returnReason: null }],
      evaluations: [ev('p1', 'draft')],
    });
    const hrefs = (role: 'reporter' | 'head' | 'evaluator') =>
      selectTodos(role, f).flatMap((x) => x.items.map((i) => i.href));
    expect(hrefs('reporter')).not.toContain('/sheets/d1/periods/Q1');
    expect(hrefs('head')).toEqual(['/sheets/d1/periods/Q1', '/sheets/p1/evaluation']);
    expect(hrefs('evaluator')).toEqual([]);
  });
});

describe('monthDay and whoLabel', () => {
  it('a deadline in Beijing time, with the year only when it is another year', () => {
    // 2026-07-15 16:00 UTC is already the 16th in Beijing
    expect(monthDay(new Date('2026-07-15T16:00:00Z'), NOW)).toBe('7月16日');
    expect(monthDay(new Date('2027-01-05T02:00:00Z'), NOW)).toBe('2027年1月5日');
  });
  it('the role once, never nested in parentheses', () => {
    expect(whoLabel('张三', 'reporter')).toBe('张三（填报人）');
    expect(whoLabel('李四', 'admin')).toBe('李四（管理员）');
    expect(whoLabel('财政管理员', 'admin')).toBe('财政管理员');
  });
});

describe('formatDateTime', () => {
  it('shows a moment in Beijing time by default, in another zone when configured', () => {
    const d = new Date('2026-11-23T18:22:07Z');
    expect(formatDateTime(d)).toBe('2026-11-24 02:22');
    expect(formatDateTime(d, 'UTC')).toBe('2026-11-23 18:22');
    expect(formatDateTime('2026-11-23T18:22:07.000Z', 'Asia/Shanghai', true)).toBe('2026-11-24');
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });
});
