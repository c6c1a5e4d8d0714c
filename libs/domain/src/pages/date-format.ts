/** The zone dates are shown in unless configured otherwise (TIME_ZONE). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** true when Intl knows the zone name (e.g. Asia/Shanghai, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A moment as people read it in pages: 2026-11-23 18:22 in the zone (date only with `dateOnly`). Accepts a
 * Date or an ISO string (as stored JSON gives it back); anything else (null, undefined, unparsable) → ''.
 */
export function formatDateTime(value: unknown, zone = DEFAULT_TIME_ZONE, dateOnly = false): string {
  const d =
    value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  return dateOnly ? day : `${day} ${parts.hour}:${parts.minute}`;
}
