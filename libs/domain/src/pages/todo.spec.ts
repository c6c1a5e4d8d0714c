import { selectTodos, TodoFacts } from './todo';
import { formatDateTime } from './date-format';

const NOW = new Date('2026-04-10T02:00:00Z');
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

function facts(over: Partial<TodoFacts> = {}): TodoFacts {
  return {
    now: NOW,
    sheets: [
      {
        id: 'd1',
        unitId: 'u1',
        unitName: '甲单位',
        year: 2026,
        kind: 'department',
        name: '甲单位',
        status: 'approved',
      },
      { id: 'p1', unitId: 'u1', unitName: '甲单位', year: 2026, kind: 'project', name: '专项一', status: 'approved' },
      { id: 'p1v2', unitId: 'u1', unitName: '甲单位', year: 2026, kind: 'project', name: '专项一', status: 'draft' },
      { id: 'n1', unitId: 'u1', unitName: '甲单位', year: 2026, kind: 'project', name: '新项目', status: 'draft' },
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
  if (!found) throw new Error(`no section ${key}`);
  return found;
};

describe('selectTodos', () => {
  it('reporter: open quarters by deadline (drafts included, submitted and closed ones not), returned with reason', () => {
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
    const open = section(s, 'open-quarters').items;
    // Q2 reopened for the unit until day 2 comes before Q1 closing on day 5; p1 Q1 is returned, not open
    expect(open.map((i) => i.href)).toEqual([
      '/sheets/d1/periods/Q2',
      '/sheets/p1/periods/Q2',
      '/sheets/d1/periods/Q1',
    ]);
    expect(open[2]).toMatchObject({ detail: '已存草稿，尚未提交', action: '继续填报' });
    const returned = section(s, 'returned-quarters').items;
    expect(returned).toEqual([
      expect.objectContaining({ href: '/sheets/p1/periods/Q1', detail: '退回原因：支出数与账面不符', due: day(5) }),
    ]);
  });

  it('reporter: nothing open when the period is closed and not reopened; drafts of sheets never listed', () => {
    const s = selectTodos('reporter', facts({ now: day(30) }));
    expect(section(s, 'open-quarters').items).toEqual([]);
    expect(s.flatMap((x) => x.items).some((i) => i.href.includes('p1v2') || i.href.includes('n1'))).toBe(false);
  });

  it('reporter and head: year-end evaluations in draft or returned; head: submitted quarters to confirm', () => {
    const f = facts({
      reports: [
        { sheetId: 'd1', period: 'Q1', status: 'submitted', returnReason: null },
        { sheetId: 'p1', period: 'Q1', status: 'confirmed', returnReason: null },
      ],
      evaluations: [
        { sheetId: 'd1', status: 'returned', returnReason: '说明过于简单', total: '88.5' },
        { sheetId: 'p1', status: 'submitted', returnReason: null, total: '90' },
      ],
    });
    expect(section(selectTodos('reporter', f), 'evaluations-to-explain').items).toEqual([
      expect.objectContaining({ href: '/sheets/d1/evaluation', detail: '评审退回：说明过于简单' }),
    ]);
    const head = selectTodos('head', f);
    expect(section(head, 'quarters-to-confirm').items.map((i) => i.href)).toEqual(['/sheets/d1/periods/Q1']);
    expect(section(head, 'evaluations-to-submit').items.map((i) => i.href)).toEqual(['/sheets/d1/evaluation']);
  });

  it('evaluator: submitted evaluations, a resubmission says why it came back', () => {
    const s = selectTodos(
      'evaluator',
      facts({
        evaluations: [
          { sheetId: 'd1', status: 'submitted', returnReason: '补充佐证', total: '91' },
          { sheetId: 'p1', status: 'approved', returnReason: null, total: '95' },
        ],
      }),
    );
    expect(section(s, 'evaluations-to-review').items).toEqual([
      expect.objectContaining({
        href: '/sheets/d1/evaluation',
        detail: '重新提交（此前退回：补充佐证），自评得分 91',
        action: '评审',
      }),
    ]);
  });

  it('admin: failures with counts and links, draft sheets (adjustment or new), units without e-mail, open periods', () => {
    const s = selectTodos(
      'admin',
      facts({
        reports: [{ sheetId: 'd1', period: 'Q1', status: 'confirmed', returnReason: null }],
        units: [
          { id: 'u1', code: '001', name: '甲单位', contactEmail: 'a@example.gov.cn' },
          { id: 'u2', code: '002', name: '乙单位', contactEmail: null },
        ],
        failedMails: 2,
        failedJobs: [
          { queue: 'mail', label: '通知', count: 1 },
          { queue: 'reports', label: '报告生成', count: 0 },
        ],
      }),
    );
    expect(section(s, 'failures').items.map((i) => [i.title, i.href])).toEqual([
      ['邮件发送失败 2 封', '/admin/queues/queue/mail?status=failed'],
      ['后台作业失败：通知 1 个', '/admin/queues/queue/mail?status=failed'],
    ]);
    expect(section(s, 'draft-sheets').items.map((i) => i.detail)).toEqual(['目标调整：新版本待审核', '新导入，待审核']);
    expect(section(s, 'units-without-email').items).toEqual([
      expect.objectContaining({ title: '002 乙单位', href: '/units/u2/profile' }),
    ]);
    expect(section(s, 'open-periods').items).toEqual([
      expect.objectContaining({ title: '2026 年一季度（1–3月）', detail: '已报送 1 / 2 张目标表', due: day(5) }),
    ]);
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
