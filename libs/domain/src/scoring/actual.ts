import { parseTarget } from '../targets/parse-target';
import type { QuantitativeTarget } from '../targets/interchange';
import { D, Dec } from './decimal';

const SAME_UNITS: Record<string, string> = { 月: '个月', 日: '天', 百分比: '%' };
const MONEY: Record<string, string> = { 元: '0.0001', 千元: '0.1', 万元: '1', 亿元: '10000' };

export type ActualReading = { ok: true; value: Dec; note?: string } | { ok: false; message: string };

function canon(unit: string | null): string | null {
  return unit ? (SAME_UNITS[unit] ?? unit) : null;
}

/**
 * Reads an actual written against a quantitative target: `98%`, `25次`, `≥266米` (a bound is read
 * as meeting it), `0.05亿元` (money converts to the target's unit); a unit of another kind is an error.
 */
export function readActual(raw: string, target: QuantitativeTarget): ActualReading {
  const parsed = parseTarget(raw, {});
  const t = parsed.targets[0];
  if (parsed.targets.length !== 1 || t.kind !== 'quantitative') {
    return { ok: false, message: `实际完成值“${raw}”不是数值（目标 ${target.raw} 需要填写数值）` };
  }
  let value = new D(t.value);
  const notes: string[] = [];
  if (t.op !== '=') notes.push(`实际值写作界值“${raw.trim()}”，按达到该界值 ${t.value} 读取`);
  const tu = canon(target.unit);
  const au = canon(t.unit);
  if (au && tu && au !== tu) {
    if (au in MONEY && tu in MONEY) {
      value = value.times(MONEY[au]).div(MONEY[tu]);
      notes.push(`单位换算：${t.value}${t.unit} = ${value.toFixed()}${target.unit}`);
    } else {
      return { ok: false, message: `实际完成值“${raw}”的单位“${t.unit}”与目标单位“${target.unit}”不一致` };
    }
  }
  return { ok: true, value, note: notes.join('；') || undefined };
}
