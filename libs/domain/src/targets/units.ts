/**
 * The measure word after a number (docs/targets.md §Units). Known words are matched longest first;
 * any other single CJK measure word or run of Latin letters is still a unit (with a warning), so a
 * number with a unit never falls into qualitative. Compound units (元/人·月) keep every part.
 */
// Longest first, so 万人次 wins over 人次, 个工作日 over 个, 万平方米 over 平方米.
const KNOWN = [
  '个工作日',
  '万平方米',
  '平方公里',
  '立方米',
  '平方米',
  '百分点',
  '个百分点',
  '工作日',
  '万人次',
  '万元',
  '亿元',
  '千元',
  '万人',
  '万亩',
  '万吨',
  '万册',
  '万株',
  '万户',
  '万次',
  '人次',
  '户次',
  '车次',
  '架次',
  '班次',
  '批次',
  '场次',
  '课时',
  '学时',
  '个月',
  '小时',
  '分钟',
  '公里',
  '公斤',
  '公顷',
  '千克',
  '厘米',
  '毫米',
  '千米',
  '平米',
  '百分比',
  '%',
  '‰',
  '㎡',
  '㎞',
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
  '组',
  '例',
  '村',
  '镇',
  '乡',
  '口',
  '眼',
  '盏',
  '块',
  '台套',
  '根',
  '支',
  '辆次',
  '期次',
  '趟',
  '节',
  '门',
  '类',
  '种',
  '级',
  '起',
  '架',
  '艘',
  '羽',
  '匹',
  '箱',
  '袋',
  '瓶',
  '桶',
  '片',
  '栋',
  '幢',
  '层',
  '孔',
  '道',
  '轮',
  '集',
  '册次',
].sort((a, b) => b.length - a.length);
const esc = (s: string) => s.replace(/[%‰/]/g, (c) => `\\${c}`);
const KNOWN_RE = KNOWN.map(esc).join('|');
// A part after "/" in a compound unit: 人, 人·月, 户·年, 生/年, 亩, 个, 周
const WORD = `(?:${KNOWN_RE}|[\\u4e00-\\u9fa5]|[A-Za-z]+)`;
const PART = `${WORD}(?:[·*×xX.・]${WORD})?`;
const HEAD = new RegExp(`^(?:(?<known>${KNOWN_RE})|(?<latin>[A-Za-z][A-Za-z²³0-9/]*)|(?<other>[\\u4e00-\\u9fa5]))`);
const TAILPART = new RegExp(`^[/／](?<part>${PART})`);
/** Words that follow a number but are not units: operators and sentence words. */
const NOT_UNIT = /^(以|及|之|左|上|下|内|前|后|至|到|或|和|与|的|为|是|且|等)/;
const LATIN: Record<string, string> = { KM: 'km', Km: 'km', KG: 'kg', Kg: 'kg' };
const SAME: Record<string, string> = { 百分比: '%', 平米: '平方米', '㎡': '平方米', '㎞': '公里' };

export interface UnitReading {
  unit: string | null;
  /** characters consumed from the start of the text */
  length: number;
  /** the unit is not one we know: read anyway, but say so */
  unknown?: boolean;
}

/** Reads the unit at the start of `text` (compact, NFKC). */
export function readUnit(text: string): UnitReading {
  const head = HEAD.exec(text);
  if (!head?.groups) return { unit: null, length: 0 };
  const g = head.groups;
  let unit: string;
  let unknown = false;
  if (g.known) unit = SAME[g.known] ?? g.known;
  else if (g.latin) unit = LATIN[g.latin] ?? g.latin;
  else {
    if (NOT_UNIT.test(text)) return { unit: null, length: 0 };
    unit = g.other;
    unknown = true;
  }
  let length = head[0].length;
  // compound: 元/人·月, 元/生/年, 次/周, 万元/个
  for (;;) {
    const t = TAILPART.exec(text.slice(length));
    if (!t?.groups) break;
    unit += `/${t.groups.part.replace(/[*×xX.・]/g, '·')}`;
    length += t[0].length;
  }
  return { unit, length, unknown };
}

const MONEY = new Set(['元', '万元', '亿元', '千元']);
export function isMoneyUnit(unit: string | null | undefined): boolean {
  return !!unit && MONEY.has(unit);
}
