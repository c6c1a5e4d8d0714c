import Decimal from 'decimal.js';
import type { Target, TargetOp, Warning } from './interchange';
import { normalizeText } from './normalize';

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

const WORD_OPS: [RegExp, TargetOp][] = [
  [/^(≥|不低于|不少于|不小于|大于等于|至少|大于或等于)$/, '>='],
  [/^(≤|不高于|不超过|不多于|不大于|小于等于|至多|最多|控制在|小于或等于)$/, '<='],
  [/^(>|高于|多于|大于|超过)$/, '>'],
  [/^(<|低于|少于|小于)$/, '<'],
  [/^(=|达到|等于|为)$/, '='],
];
const PRE_OP =
  '≥|≤|>|<|=|不低于|不少于|不小于|大于或等于|大于等于|至少|不高于|不超过|不多于|不大于|小于或等于|小于等于|至多|最多|控制在|低于|少于|小于|高于|多于|大于|超过|达到|等于';
// Longest first, so 万人次 wins over 人次 and 个月 over 个.
const UNITS = [
  '百分比',
  '万人次',
  '平方米',
  '人次',
  '万元',
  '亿元',
  '千元',
  '个月',
  '小时',
  '分钟',
  '公里',
  '批次',
  '场次',
  '课时',
  '学时',
  '%',
  '‰',
  '元',
  '次',
  '人',
  '件',
  '个',
  '套',
  '天',
  '日',
  '月',
  '年',
  '周',
  '份',
  '亩',
  '米',
  '户',
  '家',
  '场',
  '期',
  '项',
  '台',
  '批',
  '座',
  '所',
  '处',
  '篇',
  '条',
  '张',
  '本',
  '册',
  '辆',
  '名',
  '位',
  '分',
  '部',
  '吨',
  '株',
  '棵',
  '头',
  '只',
  '间',
  '宗',
];
const UNIT_RE = UNITS.map((u) => u.replace(/[%‰]/g, (c) => `\\${c}`)).join('|');
const NUM = '[-+]?\\d+(?:\\.\\d+)?';
const SINGLE = new RegExp(
  `^(?<label>.*?)(?<pre>${PRE_OP})?(?<num>${NUM})(?<unit>${UNIT_RE})?(?<post>及以上|以上|及以下|以下|以内|之内)?[。.;；]?$`,
);
const RANGE = new RegExp(`^(?<label>.*?)(?<lo>${NUM})(?<u1>${UNIT_RE})?[-~～—至到](?<hi>${NUM})(?<unit>${UNIT_RE})?$`);
const QUANTITY_WORDS = /(数量|个数|次数|人数|件数|户数|金额|费用|成本|经费|数)$/;
const MONEY_UNITS = new Set(['万元', '元', '亿元', '千元']);

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

function parseUnsafe(raw: string, ctx: TargetContext): ParsedTarget {
  const trimmed = raw.trim();
  const text = normalizeText(raw);
  const compact = text.replace(/\s+/g, '');
  if (compact === '') {
    return {
      targets: [{ raw: trimmed, kind: 'qualitative', text: '' }],
      warnings: [{ code: 'TARGET_MISSING', message: '指标值为空' }],
    };
  }

  const single = parseSingle(compact, trimmed, ctx);
  if (single) return single;

  // Two targets in one cell: 制作宣传展板≥3个，印制宣传折页≥10000份
  const parts = compact.split(/[，,；;]/).filter((p) => p !== '');
  if (parts.length > 1) {
    const parsed = parts.map((p) => parseSingle(p, p, ctx));
    if (parsed.every((p) => p !== null)) {
      return {
        targets: parsed.flatMap((p) => p!.targets),
        warnings: [
          {
            code: 'COMPOUND_TARGET_SPLIT',
            message: `一个单元格含 ${parts.length} 个指标值“${trimmed}”，已拆分为 ${parts.length} 个指标`,
          },
          ...parsed.flatMap((p) => p!.warnings),
        ],
      };
    }
  }

  const range = RANGE.exec(compact);
  if (range?.groups) {
    const unit = normalizeUnit(range.groups.unit ?? range.groups.u1);
    return {
      targets: [{ raw: trimmed, kind: 'quantitative', op: '>=', value: decimal(range.groups.lo), unit }],
      warnings: [
        { code: 'RANGE_TARGET', message: `指标值“${trimmed}”是区间，按下限 ≥${range.groups.lo}${unit ?? ''} 考核` },
      ],
    };
  }

  const warnings: ParsedTarget['warnings'] = [];
  if (!/\d/.test(compact) && (QUANTITY_WORDS.test(compact) || ctx.level2 === '数量指标')) {
    warnings.push({
      code: 'NOT_A_TARGET',
      message: `指标值“${trimmed}”不是可考核的目标值（${ctx.level2 === '数量指标' ? '数量指标应为数值' : '像是指标名称'}），已按定性指标导入`,
    });
  }
  return { targets: [{ raw: trimmed, kind: 'qualitative', text: text }], warnings };
}

function parseSingle(compact: string, raw: string, ctx: TargetContext): ParsedTarget | null {
  const m = SINGLE.exec(compact);
  if (!m?.groups) return null;
  const { label, pre, num, post } = m.groups;
  // A label is fine before an operator (资金使用≤200.24万元) or before a rate (…办结率100%);
  // a number in the middle of prose is not a target.
  if (label && /[\d≥≤<>=]/.test(label)) return null;
  if (label && !pre && label.length > 60) return null;
  let unit = normalizeUnit(m.groups.unit);
  const warnings: ParsedTarget['warnings'] = [];

  let op: TargetOp;
  if (pre) op = wordOp(pre);
  else if (post) op = /上/.test(post) ? '>=' : '<=';
  else op = ctx.cost ? '<=' : '=';

  if (!unit) {
    if (ctx.cost) {
      unit = ctx.moneyUnit ?? '万元';
      warnings.push({ code: 'VALUE_WITHOUT_UNIT', message: `成本指标值“${raw}”没有单位，按表内金额单位“${unit}”处理` });
    } else if (!new Decimal(num).isZero()) {
      // a zero target (重大…事件≦0) needs no unit
      warnings.push({ code: 'VALUE_WITHOUT_UNIT', message: `指标值“${raw}”没有单位` });
    }
  }
  return { targets: [{ raw, kind: 'quantitative', op, value: decimal(num), unit }], warnings };
}

function wordOp(word: string): TargetOp {
  for (const [re, op] of WORD_OPS) if (re.test(word)) return op;
  return '=';
}

function normalizeUnit(unit: string | undefined): string | null {
  if (!unit) return null;
  return unit === '百分比' ? '%' : unit;
}

function decimal(num: string): string {
  return new Decimal(num).toFixed();
}

export function isMoneyUnit(unit: string | null | undefined): boolean {
  return !!unit && MONEY_UNITS.has(unit);
}
