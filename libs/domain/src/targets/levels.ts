/** 一级/二级 names of both indicator trees (domain.md §2), normalised from what tables print. */
export const LEVEL1 = ['产出指标', '效益指标', '满意度指标', '成本指标'] as const;

const LEVEL2_RULES: [RegExp, string, string[]][] = [
  // [pattern, normalised name, 一级 it may stand under (first is the default)]
  [/数量/, '数量指标', ['产出指标']],
  [/质量/, '质量指标', ['产出指标']],
  [/时效/, '时效指标', ['产出指标']],
  [/经济成本/, '经济成本指标', ['成本指标']],
  [/社会成本/, '社会成本指标', ['成本指标']],
  [/生态(环境)?成本/, '生态环境成本指标', ['成本指标']],
  [/成本/, '成本指标', ['产出指标', '成本指标']],
  [/经济效益/, '经济效益指标', ['效益指标']],
  [/社会效益/, '社会效益指标', ['效益指标']],
  [/生态效益/, '生态效益指标', ['效益指标']],
  [/可持续/, '可持续影响指标', ['效益指标']],
  [/满意/, '服务对象满意度指标', ['满意度指标', '效益指标']],
];

function strip(s: string): string {
  return s
    .replace(/\s+/g, '')
    .replace(/^[\d一二三四五六七八九十]+[、.．]/, '')
    .replace(/[（(][^）)]*[）)]/g, '');
}

export function normalizeLevel1(s: string): string | null {
  const t = strip(s);
  if (!t || t.length > 8) return null;
  if (/^产出/.test(t)) return '产出指标';
  if (/^效益/.test(t)) return '效益指标';
  if (/^满意度/.test(t)) return '满意度指标';
  if (/^成本(指标)?$/.test(t)) return '成本指标';
  return null;
}

export function normalizeLevel2(s: string): string | null {
  const t = strip(s);
  if (!t || t.length > 16) return null;
  for (const [re, name] of LEVEL2_RULES) if (re.test(t)) return name;
  return null;
}

/** The 一级 names a 二级 may stand under; the first is where a shifted label belongs. */
export function allowedLevel1(level2: string): string[] {
  return LEVEL2_RULES.find(([, name]) => name === level2)?.[2] ?? [...LEVEL1];
}

/** A label that can only be 二级 (成本指标 alone is also a 2021+ 一级). */
export function isOnlyLevel2(s: string): boolean {
  return normalizeLevel2(s) !== null && normalizeLevel1(s) === null;
}

export function isCostLevel(level1: string, level2: string): boolean {
  return level1 === '成本指标' || /成本/.test(level2);
}
