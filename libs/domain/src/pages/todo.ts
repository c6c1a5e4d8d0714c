import { ROLE_LABELS, type Role } from '../access/policy';
import { PERIOD_NAME, PERIODS, type Period } from '../monitoring/plan';
import { DEFAULT_TIME_ZONE } from './date-format';

/**
 * Each role's home is a to-do list: what waits for this person now, one link to each item and a sentence saying
 * why. Pure: the facts are loaded (already limited to the actor's units) by TodoService in libs/evaluation.
 *
 * The states are the workflow's own: quarter reports draft → submitted (填报人) → confirmed (单位负责人) or
 * returned; self-evaluations draft → submitted (单位负责人) → approved or returned (评审人; approved → returned by a
 * reopen); target sheets draft → approved, superseded or rejected.
 */
export interface TodoFacts {
  now: Date;
  /** target sheets in the actor's scope (drafts and approved versions; others are never to-dos) */
  sheets: {
    id: string;
    unitId: string;
    unitName: string;
    year: number;
    kind: string;
    name: string;
    /** the identity across versions: a draft with an approved sibling of the same key is a 目标调整 */
    sheetKey: string;
    status: string;
  }[];
  reports: { sheetId: string; period: string; status: string; returnReason: string | null }[];
  evaluations: {
    sheetId: string;
    status: string;
    returnReason: string | null;
    total: string | null;
    scoreState: string;
  }[];
  periods: { year: number; period: string; opensAt: Date; closesAt: Date }[];
  /** an administrator's reopening of a closed period for one unit */
  reopens: { unitId: string; year: number; period: string; until: Date }[];
  /** administrators only: units and their contact e-mail */
  units?: { id: string; code: string; name: string; contactEmail: string | null }[];
  /** administrators only: mail deliveries that failed (newest first; the loader may cap the list) */
  failedMails?: { id: string; recipient: string; subject: string; error: string | null; at: Date }[];
  /** administrators only: the number of failed mails in all (the list above may be capped) */
  failedMailCount?: number;
  /**
   * administrators only: documents whose last mailing failed (e.g. the unit has no e-mail), newest first — resent
   * from the sheet's year-end page once the address is fixed
   */
  failedReports?: {
    sheetId: string;
    title: string;
    document: string;
    recipient: string | null;
    error: string | null;
  }[];
  /** administrators only: failed background jobs per queue (label in Chinese) */
  failedJobs?: { queue: string; label: string; count: number }[];
}

export interface TodoItem {
  /** what it is, e.g. 甲单位 · 2026 年 部门整体支出 · 二季度（1–6月） */
  title: string;
  /** why it waits, one Chinese sentence: 二季度报告待填报，截止 7月15日 */
  reason: string;
  href: string;
  /** the words of the link */
  action: string;
  /** for ordering: the soonest deadline first */
  due?: Date;
}

export interface TodoSection {
  key: string;
  heading: string;
  items: TodoItem[];
  /** the items there are in all (more than `items` when the loader capped the list) */
  total: number;
}

type Sheet = TodoFacts['sheets'][number];

const DONE = new Set(['submitted', 'confirmed']);

/** 一季度, 二季度 … (the months are in the title) */
function quarterShort(period: string): string {
  return (PERIOD_NAME[period as Period] ?? period).replace(/（.*$/, '');
}

function sheetTitle(s: Sheet): string {
  return `${s.unitName} · ${s.year} 年 ${s.kind === 'department' ? '部门整体支出' : s.name}`;
}

/** 7月15日 in the zone the pages use; with the year when it is not the current one. */
export function monthDay(d: Date, now: Date, zone = DEFAULT_TIME_ZONE): string {
  const parts = (x: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' })
        .formatToParts(x)
        .map((p) => [p.type, p.value]),
    );
  const p = parts(d);
  return `${p.year === parts(now).year ? '' : `${p.year}年`}${Number(p.month)}月${Number(p.day)}日`;
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

const section = (key: string, heading: string, items: TodoItem[], total = items.length): TodoSection => ({
  key,
  heading,
  items,
  total,
});

/**
 * What waits for someone of `role`, by section; a section with nothing in it is left out, so an empty list
 * means there is nothing to do.
 */
export function selectTodos(role: Role, facts: TodoFacts): TodoSection[] {
  const approved = facts.sheets.filter((s) => s.status === 'approved');
  const sheetOf = new Map(approved.map((s) => [s.id, s]));
  const reportOf = new Map(facts.reports.map((r) => [`${r.sheetId}/${r.period}`, r]));
  const evOf = new Map(facts.evaluations.map((e) => [e.sheetId, e]));
  const quarterHref = (sheetId: string, period: string) => `/sheets/${sheetId}/periods/${period}`;
  const evHref = (sheetId: string) => `/sheets/${sheetId}/evaluation`;
  const deadline = (due: Date | null) => (due ? `，截止 ${monthDay(due, facts.now)}` : '');
  const score = (total: string | null) => (total ? `（自评得分 ${total}）` : '');

  /** quarter reports of approved sheets in a state; returned ones say why */
  const reportsIn = (status: string) =>
    facts.reports
      .filter((r) => r.status === status && sheetOf.has(r.sheetId))
      .map((r) => ({ r, s: sheetOf.get(r.sheetId) as Sheet }));

  const returnedReports = (): TodoItem[] =>
    reportsIn('returned')
      .map(({ r, s }) => {
        const due = openUntil(facts, s.unitId, s.year, r.period);
        return {
          title: `${sheetTitle(s)} · ${PERIOD_NAME[r.period as Period] ?? r.period}`,
          reason: `${quarterShort(r.period)}报告被单位负责人退回：${r.returnReason || '未写原因'}${due ? `，请修改后在 ${monthDay(due, facts.now)} 前重新提交` : '；报告期已截止，请联系管理员重新开放'}`,
          due: due ?? undefined,
          href: quarterHref(s.id, r.period),
          action: '修改后重新提交',
        };
      })
      .sort(byDue);

  /** year-end self-evaluations of approved sheets in the given states */
  const evaluationsIn = (statuses: string[]) =>
    approved.flatMap((s) => {
      const ev = evOf.get(s.id);
      return ev && statuses.includes(ev.status) ? [{ s, ev }] : [];
    });

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
            title: `${sheetTitle(s)} · ${PERIOD_NAME[period]}`,
            reason:
              status === 'draft'
                ? `${quarterShort(period)}报告已存草稿，尚未提交${deadline(due)}`
                : `${quarterShort(period)}报告待填报${deadline(due)}`,
            due,
            href: quarterHref(s.id, period),
            action: status === 'draft' ? '继续填报' : '填报',
          });
        }
      const evaluations = evaluationsIn(['draft', 'returned']).map(({ s, ev }) => ({
        title: sheetTitle(s),
        reason:
          ev.status === 'returned'
            ? `年度自评被评审退回：${ev.returnReason || '未写原因'}；请修改后由单位负责人重新提交`
            : ev.scoreState === 'failed'
              ? '年度自评打分未成功，请检查四季度报告和自评表'
              : `年度自评待完善偏差原因和说明${score(ev.total)}，完成后由单位负责人提交评审`,
        href: evHref(s.id),
        action: ev.status === 'returned' ? '修改自评' : '填写自评',
      }));
      return [
        section('open-quarters', '待填报的季度报告', open.sort(byDue)),
        section('returned-quarters', '被退回的季度报告', returnedReports()),
        section('evaluations', '年度自评', evaluations),
      ].filter((x) => x.items.length);
    }
    case 'head': {
      const toConfirm = reportsIn('submitted').map(({ r, s }) => ({
        title: `${sheetTitle(s)} · ${PERIOD_NAME[r.period as Period] ?? r.period}`,
        reason: `${quarterShort(r.period)}报告已提交，待您确认或退回`,
        href: quarterHref(s.id, r.period),
        action: '审核',
      }));
      const toSubmit = evaluationsIn(['draft', 'returned']).map(({ s, ev }) => ({
        title: sheetTitle(s),
        reason:
          ev.status === 'returned'
            ? `年度自评被评审退回：${ev.returnReason || '未写原因'}；修改后请重新提交评审`
            : ev.scoreState === 'failed'
              ? '年度自评打分未成功，请检查四季度报告和自评表后再提交'
              : `年度自评待您提交评审${score(ev.total)}`,
        href: evHref(s.id),
        action: '审阅并提交',
      }));
      return [
        section('quarters-to-confirm', '待确认的季度报告', toConfirm),
        section('evaluations-to-submit', '待提交评审的年度自评', toSubmit),
      ].filter((x) => x.items.length);
    }
    case 'evaluator': {
      const toReview = evaluationsIn(['submitted']).map(({ s, ev }) => ({
        title: sheetTitle(s),
        // a sheet returned (or reopened) before comes back with the earlier reason kept
        reason: ev.returnReason
          ? `年度自评已重新提交，待评审${score(ev.total)}；此前退回原因：${ev.returnReason}`
          : `年度自评已提交，待评审${score(ev.total)}`,
        href: evHref(s.id),
        action: '评审',
      }));
      return [section('evaluations-to-review', '待评审的年度自评', toReview)].filter((x) => x.items.length);
    }
    case 'admin': {
      const mails = (facts.failedMails ?? []).map((m) => ({
        title: `${m.subject} → ${m.recipient}`,
        reason: `邮件发送失败：${m.error || '原因未记录'}`,
        href: `/admin/mail#mail-${m.id}`,
        action: '查看',
      }));
      const reports = (facts.failedReports ?? []).map((r) => ({
        title: `${r.title} · ${r.document}`,
        reason: `报告未送达${r.recipient ? `（${r.recipient}）` : ''}：${r.error || '原因未记录'}`,
        href: `/sheets/${r.sheetId}/evaluation#reports`,
        action: '重新发送',
      }));
      const jobs = (facts.failedJobs ?? [])
        .filter((j) => j.count > 0)
        .map((j) => ({
          title: `${j.label}作业`,
          reason: `后台作业失败 ${j.count} 个，请查看失败原因并重试`,
          // the queue board names each queue by its label (apps/api/src/admin-queues/queue-board.ts)
          href: `/admin/queues/queue/${encodeURIComponent(j.label)}?status=failed`,
          action: '查看并重试',
        }));
      const approvedKeys = new Set(approved.map((s) => `${s.unitId}/${s.year}/${s.sheetKey}`));
      const drafts = facts.sheets
        .filter((s) => s.status === 'draft')
        .map((s) => ({
          title: sheetTitle(s),
          reason: approvedKeys.has(`${s.unitId}/${s.year}/${s.sheetKey}`)
            ? '目标调整：新版本待审核批复'
            : '新导入的目标表待审核批复',
          href: `/admin/sheets/${s.id}`,
          action: '审核',
        }));
      const noEmail = (facts.units ?? [])
        .filter((u) => !u.contactEmail)
        .map((u) => ({
          // a unit imported without a code is coded by its name: printed once then
          title: u.code === u.name ? u.name : `${u.name}（${u.code}）`,
          reason: '未设置联系邮箱，提醒和报告邮件无法发送',
          href: `/units/${u.id}/profile`,
          action: '设置邮箱',
        }));
      const now = facts.now.getTime();
      const openPeriods = facts.periods
        .filter((p) => p.opensAt.getTime() <= now && now <= p.closesAt.getTime())
        .map((p) => {
          const sheets = approved.filter((s) => s.year === p.year);
          const reported = sheets.filter((s) => DONE.has(reportOf.get(`${s.id}/${p.period}`)?.status ?? '')).length;
          return { p, sheets: sheets.length, reported };
        })
        .filter((x) => x.reported < x.sheets)
        .map(({ p, sheets, reported }) => ({
          title: `${p.year} 年${PERIOD_NAME[p.period as Period] ?? p.period}`,
          reason: `${quarterShort(p.period)}报告已报送 ${reported} / ${sheets} 张目标表${deadline(p.closesAt)}`,
          due: p.closesAt,
          href: `/board?year=${p.year}&period=${p.period}`,
          action: '查看报送情况',
        }))
        .sort(byDue);
      return [
        section('failed-reports', '未送达的报告', reports),
        section('failed-mails', '发送失败的邮件', mails, Math.max(facts.failedMailCount ?? 0, mails.length)),
        section(
          'failed-jobs',
          '失败的后台作业',
          jobs,
          (facts.failedJobs ?? []).reduce((n, j) => n + j.count, 0),
        ),
        section('draft-sheets', '待审核批复的目标表', drafts),
        section('units-without-email', '未设置联系邮箱的单位', noEmail),
        section('open-periods', '正在填报的报告期', openPeriods),
      ].filter((x) => x.items.length);
    }
  }
}

/** The signed-in person as the header shows them: 张三（填报人）; a name that already says the role is not repeated. */
export function whoLabel(displayName: string, role: Role): string {
  const short = ROLE_LABELS[role].replace(/（.*$/, '');
  return displayName.includes(short) ? displayName : `${displayName}（${short}）`;
}
