import { dateParts, describeDate, readDate } from '../targets/dates';
import type { DateTarget, PeriodTarget } from '../targets/interchange';
import { normalizeText } from '../targets/normalize';
import { D, Dec } from './decimal';
import type { IndicatorScore } from './types';

export type CompletionReading = { ok: true; onTime: boolean; how: string } | { ok: false; message: string };

// 否 / 未… first: 未按时完成 must not read as 按时完成
const NO = /^(否|未|逾期|延期|超期|部分达成)/;
const YES = /^(是|已?完成|已?按[时期]完成|按[时期]|如期完成|已?达成(年度指标)?|已?到位|按时到位|及时)$/;

/** The deadline a date or period target sets: a date's own value, a period's end (month end). */
export function deadlineOf(t: DateTarget | PeriodTarget): string {
  return t.kind === 'date' ? t.value : periodEnd(t.value);
}

function periodEnd(value: string): string {
  const end = value.split('/')[1] ?? value;
  if (/^(-|\d{4})-\d{2}-\d{2}$/.test(end)) return end;
  const [y, m] = [end.slice(0, end.length - 3), Number(end.slice(-2))];
  const year = y === '-' ? 2000 : Number(y); // 2000 is a leap year: 02-29 stays valid without a year
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${y}-${String(m).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/** Compares two dates where either may lack a year (`--12-31`): then by month and day only. */
function onOrBefore(actual: string, deadline: string): boolean {
  const a = dateParts(actual);
  const d = dateParts(deadline);
  if (!a || !d) return false;
  if (a.year !== null && d.year !== null && a.year !== d.year) return a.year < d.year;
  return a.month * 100 + a.day <= d.month * 100 + d.day;
}

/**
 * Reads an actual written against a deadline: a date (2025年11月20日, 11月底, 2025-11-20) is
 * compared with the deadline; 是/按时完成 counts as on time, 否/未完成/逾期 as late.
 */
export function readCompletion(raw: string, t: DateTarget | PeriodTarget): CompletionReading {
  const text = normalizeText(raw)
    .replace(/\s+/g, '')
    .replace(/[。.]$/, '');
  const deadline = deadlineOf(t);
  if (NO.test(text)) return { ok: true, onTime: false, how: `实际“${raw.trim()}”，未按时完成` };
  if (YES.test(text)) return { ok: true, onTime: true, how: `实际“${raw.trim()}”，按时完成` };
  const d = readDate(text, { monthOnly: true });
  if (d?.kind === 'date') {
    const onTime = onOrBefore(d.value, deadline);
    return {
      ok: true,
      onTime,
      how: `实际完成于${describeDate(d.value)}，${onTime ? '不晚于' : '晚于'}期限${describeDate(deadline)}`,
    };
  }
  if (d?.kind === 'period') {
    const end = periodEnd(d.value);
    const onTime = onOrBefore(end, deadline);
    return {
      ok: true,
      onTime,
      how: `实际完成于${describeDate(end)}，${onTime ? '不晚于' : '晚于'}期限${describeDate(deadline)}`,
    };
  }
  return {
    ok: false,
    message: `实际完成值“${raw}”不是日期也不是“是/否”（目标 ${t.raw} 是完成时限，请填写完成日期，或填“是”“否”）`,
  };
}

/** A deadline is met or not: full marks when done by the date, none when late (docs/targets.md). */
export function scoreDeadline(
  t: DateTarget | PeriodTarget,
  actual: string,
  weight: Dec,
):
  | { ok: true; score: Dec; completion: Dec; explanation: IndicatorScore['explanation']; reasons: string[] }
  | { ok: false; message: string } {
  const c = readCompletion(actual, t);
  if (!c.ok) return c;
  return {
    ok: true,
    score: c.onTime ? weight : new D(0),
    completion: new D(c.onTime ? 1 : 0),
    explanation: {
      formula: '按期完成得满分，逾期 0 分',
      inputs: { 完成时限: t.raw, 实际: actual.trim(), 分值: weight.toFixed() },
      adjustments: [c.how],
    },
    reasons: c.onTime ? [] : ['未在期限内完成'],
  };
}
