/**
 * Deadlines and periods in 指标值 cells (docs/targets.md §Dates). A date target is a deadline
 * ("done by"): `2025-12-31`, or `--12-31` when the cell names no year (每年12月底前, 10月底前). A
 * period is `start/end` in the same notation at month precision (`2024-03/2024-11`, `--01/--12`).
 * Pure string work: no Date objects, so no time zones.
 */
export interface DateReading {
  kind: 'date' | 'period';
  value: string;
  /** 每年…: the deadline repeats every year */
  recurring?: boolean;
  /** what was assumed, for a warning */
  guess?: string;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad = (n: number) => String(n).padStart(2, '0');

function lastDay(year: number | null, month: number): number {
  if (month !== 2) return DAYS[month - 1];
  if (year === null) return 29;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function validMonth(m: number): boolean {
  return Number.isInteger(m) && m >= 1 && m <= 12;
}

function validYear(y: number | null): boolean {
  return y === null || (y >= 1990 && y <= 2100);
}

function ymd(year: number | null, month: number, day: number): string | null {
  if (!validYear(year) || !validMonth(month) || day < 1 || day > lastDay(year, month)) return null;
  return `${year === null ? '-' : year}-${pad(month)}-${pad(day)}`;
}

function ym(year: number | null, month: number): string | null {
  if (!validYear(year) || !validMonth(month)) return null;
  return `${year === null ? '-' : year}-${pad(month)}`;
}

/** Words that may follow a deadline and add nothing to it: 前完成, 之前拨付到位, 内办结… */
// What may follow a deadline: 前, then the activity in words (前完成资金支付, 底到位). No digits, so
// "3月完成2次" is not a deadline.
const TAIL = '(?:前|之前|以前|止|内|以内)?[\\u4e00-\\u9fa5、，,]{0,20}[。.]?';
const YEAR = '(?:(?<year>(?:19|20)\\d{2})年?)';

const DEADLINE: RegExp[] = [
  // 2025年12月31日前, 2025.12.31, 2025-12-31, 2025/12/31
  new RegExp(
    `^(?<every>每年)?(?<year>(?:19|20)\\d{2})(?:年|[./-])(?<month>\\d{1,2})(?:月|[./-])(?<day>\\d{1,2})日?${TAIL}$`,
  ),
  // 12月31日前, 每年6月30日 (without a year, only with 月 and 日: 1.5亩 is no date)
  new RegExp(`^(?<every>每年)?(?<month>\\d{1,2})月(?<day>\\d{1,2})日${TAIL}$`),
  // 10月底前, 2025年12月底, 每年6月末, 11月中旬前, 12月份前
  new RegExp(`^(?<every>每年)?${YEAR}?(?<month>\\d{1,2})月(?<part>底|末|份|上旬|中旬|下旬|前|内)?${TAIL}$`),
  // 2025年底, 2025年末, 年底前, 当年底, 2025年上半年
  new RegExp(
    `^(?<every>每年)?(?:(?<year>(?:19|20)\\d{2})年|当年|本年|年)(?<half>底|末|年底|年末|上半年|下半年|内|度内)${TAIL}$`,
  ),
  // 2024.03 / 2024-03: a month written as a decimal-looking year.month
  new RegExp(`^(?<every>)(?<year>(?:19|20)\\d{2})[./-](?<month>\\d{1,2})(?<part>)${TAIL}$`),
  // 2025年前 / 2025年完成
  new RegExp(`^(?<year>(?:19|20)\\d{2})年(?<bare>)${TAIL}$`),
];

const PERIOD: RegExp[] = [
  // 2024.03-2024.11, 2024年3月-2024年11月, 2023.07-2024.01
  /^(?<y1>(?:19|20)\d{2})(?:年|[./])(?<m1>\d{1,2})月?(?:[./](?<d1>\d{1,2})日?)?(?:--|[-~～—–至到])(?<y2>(?:19|20)\d{2})(?:年|[./])(?<m2>\d{1,2})月?(?:[./](?<d2>\d{1,2})日?)?$/,
  // 2021.1.1-12.31: the end in the same year
  /^(?<y1>(?:19|20)\d{2})[./年](?<m1>\d{1,2})[./月](?<d1>\d{1,2})日?[-~～—–至到](?<m2>\d{1,2})[./月](?<d2>\d{1,2})日?$/,
  // 2025年1月-12月, 2025年1-12月, 1-12月, 1月-12月, 全年1-12月
  /^(?:全年)?(?:(?<y1>(?:19|20)\d{2})年)?(?<m1>\d{1,2})月?[-~～—–至到](?<m2>\d{1,2})月(?:份)?$/,
];

/**
 * Reads a compact (no spaces, NFKC) cell as a date or period; null when it is neither. `monthOnly`
 * allows a bare "10月" to be a deadline (a 时效 row); elsewhere "10月" is a duration.
 */
export function readDate(compact: string, opts: { monthOnly?: boolean } = {}): DateReading | null {
  for (const re of PERIOD) {
    const m = re.exec(compact);
    if (!m?.groups) continue;
    const g = m.groups;
    const y1 = g.y1 ? Number(g.y1) : null;
    const y2 = g.y2 ? Number(g.y2) : y1;
    const m1 = Number(g.m1);
    const m2 = Number(g.m2);
    if (g.d1 && g.d2) {
      const a = ymd(y1, m1, Number(g.d1));
      const b = ymd(y2, m2, Number(g.d2));
      if (a && b && a <= b) return { kind: 'period', value: `${a}/${b}` };
      continue;
    }
    const a = ym(y1, m1);
    const b = ym(y2, m2);
    if (a && b && (y1 === null || a <= b) && (y1 !== null || m1 <= m2)) return { kind: 'period', value: `${a}/${b}` };
  }
  for (const re of DEADLINE) {
    const m = re.exec(compact);
    if (!m?.groups) continue;
    const g = m.groups;
    const year = g.year ? Number(g.year) : null;
    const recurring = !!g.every;
    if (g.bare !== undefined) {
      const v = ymd(year, 12, 31);
      if (v) return { kind: 'date', value: v, guess: `只写了年份，按该年年底 ${v} 读取` };
      continue;
    }
    if (g.half !== undefined) {
      const month = g.half === '上半年' ? 6 : 12;
      const v = ymd(year, month, lastDay(year, month));
      if (v) return { kind: 'date', value: v, recurring };
      continue;
    }
    const month = Number(g.month);
    if (g.day) {
      const v = ymd(year, month, Number(g.day));
      if (v) return { kind: 'date', value: v, recurring };
      continue;
    }
    const part = g.part;
    // "10月" alone is a duration unless the row is about timing
    if (!part && year === null && !recurring && !opts.monthOnly && !/[前内止]|完成|到位/.test(compact)) continue;
    const day = part === '上旬' ? 10 : part === '中旬' ? 20 : lastDay(year, month);
    const v = ymd(year, month, day);
    if (!v) continue;
    const guess = !part || part === '份' ? `“${compact}”按该月月底 ${v} 读取` : undefined;
    return { kind: 'date', value: v, recurring, guess };
  }
  return null;
}

/** Completes a year-less deadline with the sheet's year; unchanged when it already has one. */
export function withYear(value: string, year: number): string {
  return value.replace(/^-(?=-)/, String(year)).replace(/(^|\/)-(?=-)/g, `$1${year}`);
}

export function describeDate(value: string): string {
  const m = /^(-|\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return value;
  return `${m[1] === '-' ? '' : `${m[1]}年`}${Number(m[2])}月${Number(m[3])}日`;
}

/**
 * A spreadsheet date serial (44561 = 2021-12-31) left in a 时效 cell by an export that lost the
 * cell format. Only five-digit serials between 2000 and 2099 are taken.
 */
export function readSpreadsheetSerial(compact: string): DateReading | null {
  const m = /^=?(\d{5})$/.exec(compact);
  if (!m) return null;
  const serial = Number(m[1]);
  if (serial < 36526 || serial > 73050) return null;
  const d = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
  const value = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return { kind: 'date', value, guess: `“${m[1]}”是表格软件的日期序号，按 ${value} 读取` };
}

/** The parts of `2025-12-31` or `--12-31` (year null); null for anything else. */
export function dateParts(value: string): { year: number | null; month: number; day: number } | null {
  const m = /^(-|\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return { year: m[1] === '-' ? null : Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}
