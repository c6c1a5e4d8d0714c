import { parseTarget } from '../targets/parse-target';
import type { Target } from '../targets/interchange';
import { readActual } from './actual';
import { ACCEPTED_GRADE_WORDS, readGradeWord } from './grade-words';
import type { ScoringError } from './types';

/**
 * An indicator a unit adds to its 部门整体支出 sheet at year end (docs/scoring.md §department sheets):
 * a sheet published with prose goals only, or without 产出 or 效益 indicators, is not graded until it
 * has them. The addition is recorded on the evaluation's audit trail and scored like any other row.
 */
export interface AddedIndicatorInput {
  level1?: string;
  level2?: string;
  name?: string;
  /** 年度指标值 as a person writes it: `≥25次`, `100%`, `有效提升` */
  target?: string;
  /** 实际完成值 */
  actual?: string;
  /** the unit's own 分值; blank: the profile's even split */
  weight?: string;
}

export interface AddedIndicator {
  level1: string;
  level2: string;
  name: string;
  target: Target;
  /** the actual as the Q4 value stores it: a number or text in valueRaw, a grade word in grade */
  valueRaw: string | null;
  valueNum: string | null;
  grade: string | null;
  weight: string | null;
}

/** The 一级指标 a unit may add, and the 二级指标 the national form lists under each. */
export const ADDABLE_LEVELS: Readonly<Record<string, readonly string[]>> = {
  产出指标: ['数量指标', '质量指标', '时效指标', '成本指标'],
  效益指标: ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'],
  满意度指标: ['服务对象满意度指标'],
};

const WEIGHT = /^\d+(\.\d{1,4})?$/;

/** Checks an added indicator field by field (Chinese messages naming the field); nothing is half-accepted. */
export function checkAddedIndicator(
  input: AddedIndicatorInput,
): { ok: true; indicator: AddedIndicator } | { ok: false; errors: ScoringError[] } {
  const errors: ScoringError[] = [];
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const level1 = text(input.level1);
  const level2 = text(input.level2);
  const name = text(input.name);
  const targetRaw = text(input.target);
  const actual = text(input.actual);
  const weight = text(input.weight);
  const levels = Object.keys(ADDABLE_LEVELS);
  if (!levels.includes(level1)) errors.push({ field: 'level1', message: `一级指标须为：${levels.join('、')}` });
  else if (!ADDABLE_LEVELS[level1].includes(level2))
    errors.push({ field: 'level2', message: `“${level1}”下的二级指标须为：${ADDABLE_LEVELS[level1].join('、')}` });
  if (!name) errors.push({ field: 'name', message: '请填写三级指标名称' });
  else if (name.length > 100) errors.push({ field: 'name', message: '三级指标名称最多 100 个字' });
  if (!targetRaw) errors.push({ field: 'target', message: '请填写年度指标值，如“≥25次”“100%”“有效提升”' });
  else if (targetRaw.length > 200) errors.push({ field: 'target', message: '年度指标值最多 200 个字' });
  if (!actual) errors.push({ field: 'actual', message: '请填写实际完成值' });
  if (weight && !WEIGHT.test(weight))
    errors.push({ field: 'weight', message: `分值“${weight}”应为非负数（最多 4 位小数），或留空按均分` });
  if (errors.length) return { ok: false, errors };

  const target = parseTarget(targetRaw, { cost: level2 === '成本指标', level2 }).targets[0];
  const out: AddedIndicator = { level1, level2, name, target, valueRaw: actual, valueNum: null, grade: null, weight };
  if (target.kind === 'quantitative') {
    const a = readActual(actual, target);
    if (!a.ok) errors.push({ field: 'actual', message: `实际完成值“${actual}”：${a.message}` });
    else if (a.value.lt(0)) errors.push({ field: 'actual', message: `实际完成值“${actual}”不能为负数` });
    else out.valueNum = a.value.toFixed();
  } else if (target.kind === 'qualitative') {
    const same = actual === target.text.trim();
    if (!same && !readGradeWord(actual))
      errors.push({
        field: 'actual',
        message: `定性指标的实际完成值须与年度指标值一致，或为以下评价之一：${ACCEPTED_GRADE_WORDS}`,
      });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, indicator: { ...out, weight: weight || null } };
}
