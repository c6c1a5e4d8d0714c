import type { Role } from '../access/policy';
import { PERIOD_NAME, PERIODS, type Period } from '../monitoring/plan';

/**
 * Each role's home is a to-do list: what waits for this person now, one link to each item. Pure: the
 * facts are loaded (already limited to the actor's units) by TodoService in libs/evaluation.
 */
export interface TodoFacts {
  now: Date;
  /** every target sheet in the actor's scope, drafts included */
  sheets: { id: string; unitId: string; unitName: string; year: number; kind: string; name: string; status: string }[];
  reports: { sheetId: string; period: string; status: string; returnReason: string | null }[];
  evaluations: { sheetId: string; status: string; returnReason: string | null; total: string | null }[];
  periods: { year: number; period: string; opensAt: Date; closesAt: Date }[];
  /** an administrator's reopening of a closed period for one unit */
  reopens: { unitId: string; year: number; period: string; until: Date }[];
  /** administrators only: units in scope and their contact e-mail */
  units?: { id: string; code: string; name: string; contactEmail: string | null }[];
  /** administrators only: mails that could not be delivered */
  failedMails?: number;
  /** administrators only: failed background jobs per queue (label in Chinese) */
  failedJobs?: { queue: string; label: string; count: number }[];
}

export interface TodoItem {
  /** what it is, e.g. 单位 · 目标表 · 一季度 */
  title: string;
  /** why it waits (a return reason, a deadline, a count) */
  detail?: string;
  /** the deadline, formatted by the page */
  due?: Date;
  href: string;
  /** the words of the link */
  action: string;
}

export interface TodoSection {
  key: string;
  heading: string;
  items: TodoItem[];
  /** shown when there is nothing to do in this section */
  empty: string;
}

const DONE = new Set(['submitted', 'confirmed']);

function sheetTitle(s: TodoFacts['sheets'][number]): string {
  return `${s.unitName} · ${s.year} 年 ${s.kind === 'department' ? '部门整体支出' : s.name}`;
}

function quarterName(period: string): string {
  return PERIOD_NAME[period as Period] ?? period;
}

/** The moment until which a unit may still change a period's report, or null when it is closed to it. */
export function openUntil(facts: TodoFacts, unitId: string, year: number, period: string): Date | null {
  const now = facts.now.getTime();
  const p = facts.periods.find((x) => x.year === year && x.period === period);
  let until: Date | null = p && p.opensAt.getTime() <= now && now <= p.closesAt.getTime() ? p.closesAt : null;
  for (const r of facts.reopens)
    if (r.unitId === unitId && r.year === year && r.period === period && r.until.getTime() >= now)
      if (!until || r.until > until) until = r.until;
  return until;
}

/** Soonest deadline first; otherwise the order of the facts (sheets come ordered by unit, kind and project). */
function byDue(a: TodoItem, b: TodoItem): number {
  const x = a.due?.getTime() ?? Infinity;
  const y = b.due?.getTime() ?? Infinity;
  return x === y ? 0 : x - y;
}

export function selectTodos(role: Role, facts: TodoFacts): TodoSection[] {
  const approved = facts.sheets.filter((s) => s.status === 'approved');
  const sheetOf = new Map(facts.sheets.map((s) => [s.id, s]));
  const reportOf = new Map(facts.reports.map((r) => [`${r.sheetId}/${r.period}`, r]));
  const evOf = new Map(facts.evaluations.map((e) => [e.sheetId, e]));
  const quarterHref = (sheetId: string, period: string) => `/sheets/${sheetId}/periods/${period}`;
  const evHref = (sheetId: string) => `/sheets/${sheetId}/evaluation`;

  const returnedReports = (): TodoItem[] =>
    facts.reports
      .filter((r) => r.status === 'returned' && sheetOf.get(r.sheetId)?.status === 'approved')
      .map((r) => {
        const s = sheetOf.get(r.sheetId) as TodoFacts['sheets'][number];
        return {
          title: `${sheetTitle(s)} · ${quarterName(r.period)}`,
          detail: r.returnReason ? `退回原因：${r.returnReason}` : '退回时未写原因',
          due: openUntil(facts, s.unitId, s.year, r.period) ?? undefined,
          href: quarterHref(s.id, r.period),
          action: '修改后重新提交',
        };
      })
      .sort(byDue);

  const evaluationsOf = (statuses: string[], action: string): TodoItem[] =>
    approved
      .filter((s) => statuses.includes(evOf.get(s.id)?.status ?? ''))
      .map((s) => {
        const ev = evOf.get(s.id);
        return {
          title: sheetTitle(s),
          detail:
            ev?.status === 'returned'
              ? ev.returnReason
                ? `评审退回：${ev.returnReason}`
                : '评审退回，未写原因'
              : ev?.total
                ? `自评得分 ${ev.total}`
                : undefined,
          href: evHref(s.id),
          action,
        };
      })
      .sort(byDue);

  switch (role) {
    case 'reporter': {
      const open: TodoItem[] = [];
      for (const s of approved)
        for (const period of PERIODS) {
          const status = reportOf.get(`${s.id}/${period}`)?.status ?? 'none';
          if (DONE.has(status) || status === 'returned') continue;
          const due = openUntil(facts, s.unitId, s.year, period);
          if (!due) continue;
          open.push({
            title: `${sheetTitle(s)} · ${quarterName(period)}`,
            detail: status === 'draft' ? '已存草稿，尚未提交' : '尚未填报',
            due,
            href: quarterHref(s.id, period),
            action: status === 'draft' ? '继续填报' : '填报',
          });
        }
      return [
        {
          key: 'open-quarters',
          heading: '待填报的季度报告',
          items: open.sort(byDue),
          empty: '目前没有开放中待填报的季度。',
        },
        {
          key: 'returned-quarters',
          heading: '被退回的季度报告',
          items: returnedReports(),
          empty: '没有被退回的季度报告。',
        },
        {
          key: 'evaluations-to-explain',
          heading: '待填写说明的年度自评',
          items: evaluationsOf(['draft', 'returned'], '填写说明'),
          empty: '没有待填写的年度自评。',
        },
      ];
    }
    case 'head': {
      const toConfirm = facts.reports
        .filter((r) => r.status === 'submitted' && sheetOf.get(r.sheetId)?.status === 'approved')
        .map((r) => {
          const s = sheetOf.get(r.sheetId) as TodoFacts['sheets'][number];
          return {
            title: `${sheetTitle(s)} · ${quarterName(r.period)}`,
            detail: '填报人已提交，待您确认或退回',
            href: quarterHref(s.id, r.period),
            action: '确认',
          };
        })
        .sort(byDue);
      return [
        { key: 'quarters-to-confirm', heading: '待确认的季度报告', items: toConfirm, empty: '没有待确认的季度报告。' },
        {
          key: 'evaluations-to-submit',
          heading: '待提交评审的年度自评',
          items: evaluationsOf(['draft', 'returned'], '确认并提交评审'),
          empty: '没有待提交的年度自评。',
        },
      ];
    }
    case 'evaluator':
      return [
        {
          key: 'evaluations-to-review',
          heading: '待评审的自评',
          items: approved
            .filter((s) => evOf.get(s.id)?.status === 'submitted')
            .map((s) => {
              const ev = evOf.get(s.id);
              return {
                title: sheetTitle(s),
                // a sheet returned (or reopened) before comes back with the earlier reason kept
                detail: `${ev?.returnReason ? '重新提交（此前退回：' + ev.returnReason + '）' : '单位已提交'}${ev?.total ? `，自评得分 ${ev.total}` : ''}`,
                href: evHref(s.id),
                action: '评审',
              };
            })
            .sort(byDue),
          empty: '没有待评审的自评。',
        },
      ];
    case 'admin': {
      const problems: TodoItem[] = [];
      if (facts.failedMails)
        problems.push({
          title: `邮件发送失败 ${facts.failedMails} 封`,
          detail: '收件地址有误或邮件服务器拒收；修正后重新发送',
          href: '/admin/queues/queue/mail?status=failed',
          action: '查看',
        });
      for (const j of facts.failedJobs ?? [])
        if (j.count)
          problems.push({
            title: `后台作业失败：${j.label} ${j.count} 个`,
            href: `/admin/queues/queue/${encodeURIComponent(j.queue)}?status=failed`,
            action: '查看并重试',
          });
      const drafts = facts.sheets
        .filter((s) => s.status === 'draft')
        .map((s) => ({
          title: sheetTitle(s),
          detail: approved.some((a) => a.unitId === s.unitId && a.year === s.year && a.name === s.name)
            ? '目标调整：新版本待审核'
            : '新导入，待审核',
          href: '/admin/sheets?status=draft',
          action: '审核',
        }))
        .sort(byDue);
      const noEmail = (facts.units ?? [])
        .filter((u) => !u.contactEmail)
        .map((u) => ({
          title: `${u.code} ${u.name}`,
          detail: '未设置联系邮箱，报告和提醒无法发送',
          href: `/units/${u.id}/profile`,
          action: '设置邮箱',
        }));
      const openPeriods = facts.periods
        .filter((p) => p.opensAt.getTime() <= facts.now.getTime() && facts.now.getTime() <= p.closesAt.getTime())
        .map((p) => {
          const sheets = approved.filter((s) => s.year === p.year);
          const reported = sheets.filter((s) => DONE.has(reportOf.get(`${s.id}/${p.period}`)?.status ?? '')).length;
          return {
            title: `${p.year} 年${quarterName(p.period)}`,
            detail: `已报送 ${reported} / ${sheets.length} 张目标表`,
            due: p.closesAt,
            href: `/board?year=${p.year}&period=${p.period}`,
            action: '查看报送情况',
          };
        })
        .sort(byDue);
      return [
        { key: 'failures', heading: '发送失败的邮件和作业', items: problems, empty: '没有失败的邮件或作业。' },
        { key: 'draft-sheets', heading: '待审核的目标表（目标调整）', items: drafts, empty: '没有待审核的目标表。' },
        {
          key: 'units-without-email',
          heading: '未设置联系邮箱的单位',
          items: noEmail,
          empty: '每个单位都已设置联系邮箱。',
        },
        { key: 'open-periods', heading: '正在填报的报告期', items: openPeriods, empty: '目前没有开放中的报告期。' },
      ];
    }
  }
}
