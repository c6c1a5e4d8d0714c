/**
 * 目标调整: what changes between the approved version of a 绩效目标表 and a newly imported one, and which
 * indicator of the new version takes over what was reported under each indicator of the old one.
 * The rule (docs/targets.md "目标调整"):
 * - an old indicator matches the new one with the same 一级, 二级 and 三级 name; failing that, the new one
 *   with the same 三级 name when that name occurs once in each version (a row moved to another 二级);
 * - a match carries its reported values over unless the kind of target (定量/定性/日期/期间) or its unit
 *   changed: a value measured in another unit or scale would be read against the wrong target;
 * - an old indicator without a match has no successor: its values are not carried (listed before approval).
 */

export interface VersionIndicator {
  id: string;
  level1: string;
  level2: string;
  name: string;
  targetRaw: string;
  targetKind: string;
  targetUnit: string | null;
  weight: string | null;
}

export interface IndicatorChange {
  old: VersionIndicator;
  new: VersionIndicator;
  /** Chinese field labels with old and new text */
  fields: { label: string; old: string; new: string }[];
  /** false: the match keeps no reported value (kind or unit changed) */
  carries: boolean;
  /** why the values are not carried, in Chinese */
  reason: string | null;
}

export interface VersionDiff {
  added: VersionIndicator[];
  removed: VersionIndicator[];
  /** matched indicators with at least one changed field */
  changed: IndicatorChange[];
  /** old indicator id → new indicator id, for every match whose values are carried */
  carry: Map<string, string>;
  /** old indicator id → why its values are not carried (no match, or kind/unit changed) */
  dropped: Map<string, string>;
}

const KIND_NAME: Record<string, string> = { quantitative: '定量', qualitative: '定性', date: '日期', period: '期间' };
const norm = (s: string) => s.replace(/\s+/g, '');

/** Matches the indicators of two versions and lists what was added, removed and changed. */
export function diffIndicators(before: VersionIndicator[], after: VersionIndicator[]): VersionDiff {
  const pairs = new Map<string, VersionIndicator>();
  const taken = new Set<string>();
  const full = (i: VersionIndicator) => `${norm(i.level1)}|${norm(i.level2)}|${norm(i.name)}`;
  const byFull = new Map<string, VersionIndicator[]>();
  for (const n of after) byFull.set(full(n), [...(byFull.get(full(n)) ?? []), n]);
  for (const o of before) {
    const n = (byFull.get(full(o)) ?? []).find((c) => !taken.has(c.id));
    if (n) {
      pairs.set(o.id, n);
      taken.add(n.id);
    }
  }
  // second pass: the same name, unique on both sides, under another 一级/二级
  const count = (list: VersionIndicator[]) => {
    const m = new Map<string, number>();
    for (const i of list) m.set(norm(i.name), (m.get(norm(i.name)) ?? 0) + 1);
    return m;
  };
  const oldNames = count(before);
  const newNames = count(after);
  for (const o of before) {
    if (pairs.has(o.id) || oldNames.get(norm(o.name)) !== 1 || newNames.get(norm(o.name)) !== 1) continue;
    const n = after.find((c) => norm(c.name) === norm(o.name));
    if (n && !taken.has(n.id)) {
      pairs.set(o.id, n);
      taken.add(n.id);
    }
  }

  const out: VersionDiff = { added: [], removed: [], changed: [], carry: new Map(), dropped: new Map() };
  for (const o of before) {
    const n = pairs.get(o.id);
    if (!n) {
      out.removed.push(o);
      out.dropped.set(o.id, '新版本中没有该指标');
      continue;
    }
    const fields: IndicatorChange['fields'] = [];
    if (norm(o.level1) !== norm(n.level1) || norm(o.level2) !== norm(n.level2))
      fields.push({ label: '指标类别', old: `${o.level1}/${o.level2}`, new: `${n.level1}/${n.level2}` });
    if (o.targetRaw !== n.targetRaw) fields.push({ label: '指标值', old: o.targetRaw, new: n.targetRaw });
    if ((o.weight ?? '') !== (n.weight ?? ''))
      fields.push({ label: '分值', old: o.weight ?? '（未设）', new: n.weight ?? '（未设）' });
    let reason: string | null = null;
    if (o.targetKind !== n.targetKind)
      reason = `指标值类型由${KIND_NAME[o.targetKind] ?? o.targetKind}改为${KIND_NAME[n.targetKind] ?? n.targetKind}`;
    else if ((o.targetUnit ?? '') !== (n.targetUnit ?? ''))
      reason = `计量单位由“${o.targetUnit ?? '无'}”改为“${n.targetUnit ?? '无'}”`;
    if (reason) out.dropped.set(o.id, reason);
    else out.carry.set(o.id, n.id);
    if (fields.length || reason) out.changed.push({ old: o, new: n, fields, carries: !reason, reason });
  }
  out.added = after.filter((n) => !taken.has(n.id));
  return out;
}

export interface BudgetChange {
  label: string;
  old: string;
  new: string;
}

const BUDGET_NAME: Record<string, string> = {
  total: '资金总额',
  fiscal: '其中：财政拨款',
  carryover: '上年结转',
  other: '其他资金',
  generalPublic: '一般公共预算',
  governmentFund: '政府性基金',
  specialAccount: '财政专户管理资金',
  basic: '基本支出',
  project: '项目支出',
};

export interface VersionHeader {
  budget: Record<string, string>;
  spendingPlan: { month: number; percent: string }[];
  goal: string | null;
}

/** Money (万元, compared as numbers written), the 资金支出计划 and the 年度目标 that differ between versions. */
export function diffHeader(before: VersionHeader, after: VersionHeader): BudgetChange[] {
  const out: BudgetChange[] = [];
  const keys = [...new Set([...Object.keys(BUDGET_NAME), ...Object.keys(before.budget), ...Object.keys(after.budget)])];
  const num = (v: string | undefined) => (v === undefined || v === '' ? '' : trimZeros(v));
  for (const k of keys) {
    const o = num(before.budget[k]);
    const n = num(after.budget[k]);
    if (o !== n) out.push({ label: `${BUDGET_NAME[k] ?? k}（万元）`, old: o || '（无）', new: n || '（无）' });
  }
  const plan = (p: VersionHeader['spendingPlan']) => p.map((c) => `${c.month}月${trimZeros(c.percent)}%`).join('，');
  if (plan(before.spendingPlan) !== plan(after.spendingPlan))
    out.push({
      label: '资金支出计划',
      old: plan(before.spendingPlan) || '（无）',
      new: plan(after.spendingPlan) || '（无）',
    });
  if ((before.goal ?? '').trim() !== (after.goal ?? '').trim())
    out.push({ label: '年度绩效目标', old: before.goal || '（无）', new: after.goal || '（无）' });
  return out;
}

/** 60.000000 → 60, 26.480 → 26.48 (decimal strings as stored). */
function trimZeros(v: string): string {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}
