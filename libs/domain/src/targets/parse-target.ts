import Decimal from 'decimal.js';
import { readDate, readSpreadsheetSerial } from './dates';
import type { Target, TargetOp, Warning } from './interchange';
import { normalizeText } from './normalize';
import { foldLookalikes, opWordIn, postOp, trailingOp } from './operators';
import { isMoneyUnit, readUnit } from './units';

export { isMoneyUnit };

export interface TargetContext {
  /** A 成本 row: no operator means ≤, no unit means the sheet's money unit. */
  cost?: boolean;
  /** 二级 name, normalised; a 数量指标 with text where a number belongs is warned about. */
  level2?: string;
  /** The sheet's money unit (万元 unless the table says otherwise). */
  moneyUnit?: string;
}

export interface ParsedTarget {
  targets: Target[];
  warnings: Pick<Warning, 'code' | 'message'>[];
}

const NUMBER = /\d+(?:\.\d+)?/g;
const RANGE = /^(?<label>\D*?)(?<lo>\d+(?:\.\d+)?)(?<u1>\D*?)[-~～—–至到](?<hi>\d+(?:\.\d+)?)(?<u2>\D*)$/;
const QUANTITY_WORDS = /(数量|个数|次数|人数|件数|户数|金额|费用|成本|经费|数)$/;
/** Rows whose bare "万" is money: 成本 rows and money-named indicators. */
const MONEY_ROW = /成本|资金|经费|金额|投资|补助|补贴|预算/;
const TIMING_ROW = /时效/;
/**
 * Reads one 指标值 cell. Never throws: anything it cannot read becomes a qualitative target, and
 * every guess it makes is returned as a warning for the importer to show.
 */
export function parseTarget(raw: string, ctx: TargetContext = {}): ParsedTarget {
  try {
    return parseUnsafe(raw ?? '', ctx);
  } catch (e) {
    return {
      targets: [{ raw: String(raw ?? ''), kind: 'qualitative', text: String(raw ?? '').trim() }],
      warnings: [{ code: 'NOT_A_TARGET', message: `指标值“${String(raw)}”无法识别，已按定性指标导入` }],
    };
  }
}

/** Operator, value and unit published in three columns (`≥` `264` `天`) read as one string. */
export function joinTargetColumns(op: string | undefined, value: string | undefined, unit: string | undefined): string {
  const o = (op ?? '').trim();
  const opText = o === '定性' ? '' : o;
  return [opText, (value ?? '').trim(), (unit ?? '').trim()].join('');
}

type Warnings = ParsedTarget['warnings'];

function parseUnsafe(raw: string, ctx: TargetContext): ParsedTarget {
  const trimmed = raw.trim();
  const folded = foldLookalikes(normalizeText(raw));
  const text = folded.text;
  // thousands separators (44,561 / 1,000人) would otherwise split one number in two
  const compact = text.replace(/\s+/g, '').replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  const lookalike: Warnings = folded.notes.map((note) => ({
    code: 'LOOKALIKE_OPERATOR',
    message: `指标值“${trimmed}”含非标准运算符：${note}，请核对`,
  }));
  if (compact === '') {
    return {
      targets: [{ raw: trimmed, kind: 'qualitative', text: '' }],
      warnings: [{ code: 'TARGET_MISSING', message: '指标值为空' }],
    };
  }

  const single = parseSingle(compact, trimmed, ctx);
  if (single) return { targets: single.targets, warnings: [...lookalike, ...single.warnings] };

  // Two targets in one cell: 制作宣传展板≥3个，印制宣传折页≥10000份
  const parts = compact.split(/[，,；;、]/).filter((p) => p !== '');
  if (parts.length > 1) {
    const parsed = parts.map((p) => parseSingle(p, p, ctx));
    if (parsed.every((p): p is NonNullable<typeof p> => p !== null && p.targets[0].kind !== 'qualitative')) {
      return {
        targets: parsed.flatMap((p) => p.targets),
        warnings: [
          {
            code: 'COMPOUND_TARGET_SPLIT',
            message: `一个单元格含 ${parts.length} 个指标值“${trimmed}”，已拆分为 ${parts.length} 个指标`,
          },
          ...lookalike,
          ...parsed.flatMap((p) => p.warnings),
        ],
      };
    }
  }

  const range = readRange(compact);
  if (range) {
    const { lo, unit } = range;
    return {
      targets: [{ raw: trimmed, kind: 'quantitative', op: '>=', value: decimal(lo), unit }],
      warnings: [
        ...lookalike,
        { code: 'RANGE_TARGET', message: `指标值“${trimmed}”是区间，按下限 ≥${lo}${unit ?? ''} 考核` },
      ],
    };
  }

  const warnings: Warnings = [...lookalike];
  if (/\d/.test(compact)) {
    warnings.push({
      code: 'NUMBERS_IN_TEXT',
      message: `指标值“${trimmed}”含多个数值，无法确定考核哪一个，已按定性指标导入，请改写为单一目标值`,
    });
  } else if (QUANTITY_WORDS.test(compact) || ctx.level2 === '数量指标') {
    warnings.push({
      code: 'NOT_A_TARGET',
      message: `指标值“${trimmed}”不是可考核的目标值（${ctx.level2 === '数量指标' ? '数量指标应为数值' : '像是指标名称'}），已按定性指标导入`,
    });
  }
  return { targets: [{ raw: trimmed, kind: 'qualitative', text: text }], warnings };
}

function readRange(compact: string): { lo: string; unit: string | null } | null {
  const m = RANGE.exec(compact);
  if (!m?.groups) return null;
  const { label, lo, u1, hi, u2 } = m.groups;
  if (/[\d≥≤<>=]/.test(label)) return null;
  const unitText = u2 || u1;
  const u = readUnit(unitText);
  if (u.length !== unitText.length) return null;
  if (u1 && u2 && readUnit(u1).unit !== u.unit) return null;
  if (new Decimal(lo).gt(hi)) return null;
  return { lo, unit: u.unit };
}

function parseSingle(compact: string, raw: string, ctx: TargetContext): ParsedTarget | null {
  const timing = TIMING_ROW.test(ctx.level2 ?? '');
  const date =
    readDate(compact.replace(/[。.;；]$/, ''), { monthOnly: timing }) ??
    (timing ? readSpreadsheetSerial(compact) : null);
  if (date) {
    const warnings: Warnings = date.guess
      ? [{ code: 'DATE_GUESS', message: `指标值“${raw}”：${date.guess}，请核对` }]
      : [];
    const target: Target =
      date.kind === 'date'
        ? {
            raw,
            kind: 'date',
            op: '<=',
            value: date.value,
            unit: null,
            text: raw,
            ...(date.recurring ? { recurring: true } : {}),
          }
        : { raw, kind: 'period', op: '=', value: date.value, unit: null, text: raw };
    return { targets: [target], warnings };
  }

  const numbers = [...compact.matchAll(NUMBER)];
  if (numbers.length !== 1) return null;
  const num = numbers[0][0];
  const at = numbers[0].index ?? 0;
  let prefix = compact.slice(0, at);
  let sign = '';
  if (/^[-+]$/.test(prefix) || /[≥≤<>=][-+]$/.test(prefix)) {
    sign = prefix.slice(-1) === '-' ? '-' : '';
    prefix = prefix.slice(0, -1);
  }
  const suffix = compact.slice(at + num.length);
  const warnings: Warnings = [];

  // unit
  const u = readUnit(suffix);
  let unit = u.unit;
  let rest = suffix.slice(u.length);
  if (u.unknown && unit?.startsWith('万')) {
    // a bare 万: 万粒 / 万个 are counts, on a money row it is 万元 (≤620万/月 → 万元/月)
    rest = suffix.slice(1);
    const next = readUnit(rest);
    if (next.unit && !next.unit.startsWith('/')) {
      unit = `万${next.unit}`;
      rest = rest.slice(next.length);
      if (next.unknown)
        warnings.push({
          code: 'UNKNOWN_UNIT',
          message: `指标值“${raw}”的单位“${unit}”不在常用单位表中，已按数值 ${num}${unit} 读取，请核对`,
        });
    } else if (ctx.cost || MONEY_ROW.test(ctx.level2 ?? '') || MONEY_ROW.test(prefix)) {
      const money = readUnit(`万元${rest}`);
      unit = money.unit;
      rest = rest.slice(money.length - 2);
      warnings.push({ code: 'AMBIGUOUS_UNIT', message: `指标值“${raw}”的单位“万”按“${unit}”读取，请核对` });
    } else {
      unit = '万';
      warnings.push({ code: 'AMBIGUOUS_UNIT', message: `指标值“${raw}”的单位只写了“万”，请写明是万元、万人还是其他` });
    }
  } else if (!unit && /^[/／]/.test(suffix) && (ctx.cost || MONEY_ROW.test(ctx.level2 ?? ''))) {
    // ≤28.40/株 on a cost row: the money word was left out of the unit
    const per = readUnit(`元${suffix.replace(/^／/, '/')}`);
    unit = per.unit;
    rest = suffix.slice(per.length - 1);
    warnings.push({ code: 'AMBIGUOUS_UNIT', message: `指标值“${raw}”的单位缺少金额单位，按“${unit}”读取，请核对` });
  } else if (u.unknown) {
    warnings.push({
      code: 'UNKNOWN_UNIT',
      message: `指标值“${raw}”的单位“${unit}”不在常用单位表中，已按数值 ${num}${unit} 读取，请核对`,
    });
  }

  // operator: before the number, else after the unit (以上/以下/以内), else a word in the prose
  const post = postOp(rest);
  if (post) rest = rest.slice(post.length);
  rest = rest.replace(/^[。.;；!！]+|[。.;；!！]+$/g, '');
  const pre = trailingOp(prefix);
  const label = pre ? pre.rest : prefix;
  if (/[≥≤<>=]/.test(label)) return null;
  let op: TargetOp;
  let prose = rest !== '' || label.length > 60;
  if (pre) op = pre.op;
  else if (post) op = post.op;
  else {
    const word = opWordIn(prefix);
    if (word) {
      op = word;
      prose = true;
    } else if (prose) {
      op = '='; // a sentence naming a standard (严格按照预算标准1000元/人…) states it, it does not cap it
    } else if (ctx.cost && unit === '%') {
      op = '=';
      warnings.push({
        code: 'COST_RATE_OPERATOR',
        message: `成本指标值“${raw}”是比率且没有运算符，按“=${num}%”考核，请核对`,
      });
    } else op = ctx.cost ? '<=' : '=';
  }
  if (prose) {
    warnings.push({
      code: 'TARGET_IN_TEXT',
      message: `指标值“${raw}”是一句话，从中读出目标值 ${opText(op)}${sign}${num}${unit ?? ''}，请核对`,
    });
  }

  if (!unit) {
    if (ctx.cost) {
      unit = ctx.moneyUnit ?? '万元';
      warnings.push({ code: 'VALUE_WITHOUT_UNIT', message: `成本指标值“${raw}”没有单位，按表内金额单位“${unit}”处理` });
    } else if (!new Decimal(num).isZero()) {
      // a zero target (重大…事件≦0) needs no unit
      warnings.push({ code: 'VALUE_WITHOUT_UNIT', message: `指标值“${raw}”没有单位` });
    }
  }
  return { targets: [{ raw, kind: 'quantitative', op, value: decimal(sign + num), unit }], warnings };
}

const OP_TEXT: Record<TargetOp, string> = { '>=': '≥', '<=': '≤', '=': '', '>': '>', '<': '<' };
function opText(op: TargetOp): string {
  return OP_TEXT[op];
}

function decimal(num: string): string {
  return new Decimal(num).toFixed();
}
