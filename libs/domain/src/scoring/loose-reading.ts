import type { QuantitativeTarget, TargetOp } from '../targets/interchange';

/**
 * Readings of qualitative-looking cells that real forms fill with numbers or dates the target
 * parser does not know (`≧15组` / `15组`, `9月前` / `7月`). Only used when both the 年度指标值 and
 * the 实际完成值 read the same way, so a real text target is never turned into a number.
 */
const OPS: Record<string, TargetOp> = {
  '≥': '>=',
  '≧': '>=',
  '≤': '<=',
  '≦': '<=',
  '>': '>',
  '<': '<',
  '=': '=',
  '＝': '=',
  '﹦': '=',
};
const QUANTITY = /^\s*(≥|≧|≤|≦|>|<|=|＝|﹦)?\s*(\d+(?:\.\d+)?)\s*([^\d\s≥≤<>=]{0,4})\s*$/;

export function looseQuantity(target: string, actual: string): { target: QuantitativeTarget; actual: string } | null {
  const t = QUANTITY.exec(target);
  const a = QUANTITY.exec(actual);
  if (!t || !a) return null;
  const unit = t[3] || null;
  if (a[3] && a[3] !== t[3]) return null;
  return {
    target: { raw: target, kind: 'quantitative', op: OPS[t[1] ?? '='] ?? '=', value: t[2], unit },
    actual: a[2],
  };
}

/** A deadline or a date: `2023年12月`, `9月前`, `12月底`, `2021年12月完成`; year-month-day as one number. */
function dateKey(text: string, year?: number): { key: number; year?: number } | null {
  const m = /^\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?\s*(前|底|末|以前|之前|完成|内)?\s*$/.exec(
    text,
  );
  if (!m) return null;
  const y = m[1] ? Number(m[1]) : year;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return { key: (y ?? 0) * 10000 + month * 100 + (m[3] ? Number(m[3]) : 31), year: y };
}

/** Whether a date actual meets a date target (on or before it); null when either is not a date. */
export function deadlineMet(target: string, actual: string): boolean | null {
  const t = dateKey(target);
  if (!t) return null;
  const a = dateKey(actual, t.year);
  if (!a) return null;
  const tKey = t.year === undefined && a.year !== undefined ? t.key + a.year * 10000 : t.key;
  return a.key <= tKey;
}

/** A dash, slash or ellipsis standing for an empty cell. */
export function isPlaceholder(text: string): boolean {
  return /^[\s—\-－/／一…·.]*$/.test(text);
}
