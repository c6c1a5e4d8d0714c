import { D } from '@selfeval/domain';

export interface MoneyFigures {
  initial: string | null;
  adjusted: string | null;
  spent: string | null;
}

export type ProjectFundKey = 'fiscal' | 'carryover' | 'other';
export type DepartmentFundKey =
  'generalPublic' | 'governmentFund' | 'specialAccount' | 'unitFunds' | 'basic' | 'project';
export type FundKey = ProjectFundKey | DepartmentFundKey;

export interface FundGroup {
  /** printed as a row of its own above the group (按收入性质分：) */
  caption: string | null;
  rows: { key: FundKey; label: string }[];
}

/**
 * The fixed rows under 年度资金总额 on the official forms (财预〔2020〕10号 annexes): every row is
 * printed, filled or not. A department's rows form two groups, each summing to the total.
 */
export const FUND_ROWS: Record<'project' | 'department', FundGroup[]> = {
  project: [
    {
      caption: null,
      rows: [
        { key: 'fiscal', label: '其中：当年财政拨款' },
        { key: 'carryover', label: '上年结转资金' },
        { key: 'other', label: '其他资金' },
      ],
    },
  ],
  department: [
    {
      caption: '按收入性质分：',
      rows: [
        { key: 'generalPublic', label: '一般公共预算' },
        { key: 'governmentFund', label: '政府性基金' },
        { key: 'specialAccount', label: '财政专户管理资金' },
        { key: 'unitFunds', label: '单位资金' },
      ],
    },
    {
      caption: '按支出性质分：',
      rows: [
        { key: 'basic', label: '基本支出' },
        { key: 'project', label: '项目支出' },
      ],
    },
  ],
};

/** Labels report-data writes today (and older spellings) onto the form's keys. */
export function fundKeyOfLabel(kind: 'project' | 'department', label: string): FundKey | null {
  const l = label.replace(/^(其中|按收入性质分?|按支出性质分?)[：:]/, '').trim();
  const project: Record<string, ProjectFundKey> = {
    财政拨款: 'fiscal',
    当年财政拨款: 'fiscal',
    上年结转: 'carryover',
    上年结转资金: 'carryover',
    其他资金: 'other',
  };
  const department: Record<string, DepartmentFundKey> = {
    一般公共预算: 'generalPublic',
    政府性基金: 'governmentFund',
    政府性基金拨款: 'governmentFund',
    财政专户管理资金: 'specialAccount',
    其他资金: 'unitFunds',
    单位资金: 'unitFunds',
    基本支出: 'basic',
    项目支出: 'project',
  };
  return (kind === 'project' ? project[l] : department[l]) ?? null;
}

/**
 * Without a budget adjustment 全年预算数 = 年初预算数 row by row. Then one column at a time: when
 * the known rows already make the total, the rest are 0; when exactly one row is unknown, it is the
 * difference (never negative). Otherwise unknown stays blank: a form figure is never guessed.
 */
export function completeByDifference(
  total: Partial<MoneyFigures>,
  rows: Partial<MoneyFigures>[],
): Partial<MoneyFigures>[] {
  const out = rows.map((r) => ({ ...r }));
  // no budget adjustment during the year: each row's 全年预算数 is its 年初预算数
  const unadjusted = total.initial != null && total.adjusted != null && new D(total.initial).eq(total.adjusted);
  if (unadjusted) for (const r of out) if (r.adjusted == null && r.initial != null) r.adjusted = r.initial;
  // one row holding the whole 年初预算数 (the others 0) holds the whole year's money too
  const holders = out.filter((r) => r.initial != null && !new D(r.initial).isZero());
  const holderInitial = holders.length === 1 ? holders[0].initial : null;
  if (total.initial != null && holderInitial != null && new D(holderInitial).eq(total.initial))
    for (const col of ['adjusted', 'spent'] as const) holders[0][col] ??= total[col] ?? null;
  for (const col of ['initial', 'adjusted', 'spent'] as const) {
    const t = total[col];
    if (t === null || t === undefined) continue;
    const sum = out.reduce((acc, r) => acc.plus(r[col] ?? 0), new D(0));
    const unknown = out.filter((r) => r[col] === null || r[col] === undefined);
    if (!unknown.length) continue;
    const rest = new D(t).minus(sum);
    if (rest.isZero()) unknown.forEach((r) => (r[col] = '0'));
    else if (unknown.length === 1 && rest.gt(0)) unknown[0][col] = rest.toFixed();
  }
  return out;
}
