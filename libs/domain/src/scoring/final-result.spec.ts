import { parseTarget } from '../targets/parse-target';
import { finalResult, ungradedReason } from './final-result';
import { scoreSheet } from './engine';
import type { ScoringIndicatorInput } from './types';

const ind = (level1: string, level2: string, name: string, target: string, actual: string): ScoringIndicatorInput => ({
  level1,
  level2,
  name,
  target: parseTarget(target).targets[0],
  actual,
});
const INDICATORS = [
  ind('产出指标', '数量指标', '接访', '≥10次', '10'),
  ind('产出指标', '质量指标', '办结率', '≥90%', '90%'),
  ind('效益指标', '社会效益指标', '稳定率', '≥95%', '95%'),
  ind('满意度指标', '服务对象满意度指标', '满意度', '≥90%', '90%'),
];

describe('finalResult: reviewer scores are final (§4.8)', () => {
  it('is the self-score when no reviewer score is given', () => {
    const s = scoreSheet({ budget: { adjusted: '100', spent: '100' }, indicators: INDICATORS });
    expect(finalResult(s)).toMatchObject({ total: '100.00', grade: '优', reviewed: false });
  });

  it('replaces self-scores, re-sums exactly, rounds once and grades on the rounded total', () => {
    const s = scoreSheet({ budget: { adjusted: '100', spent: '100' }, indicators: INDICATORS });
    // 10 + 25 + 0.005 + 30 + 10 = 75.005 → 75.01 (one rounding, half up) → 中
    const r = finalResult(s, new Map([[1, '0.005']]));
    expect(r).toMatchObject({ total: '75.01', grade: '中', reviewed: true });
    expect(r.buckets.output).toEqual({ points: '50', score: '25.005' });
  });

  it('applies the profile execution caps again after review', () => {
    // strict profile: 执行率 65 % caps the total at 79
    const s = scoreSheet({
      profile: 'national-2020-strict',
      budget: { adjusted: '100', spent: '65' },
      executionExplanation: '项目延期',
      indicators: INDICATORS,
    });
    expect(s.total).toBe('79.00');
    expect(finalResult(s, new Map([[0, '20']])).total).toBe('79.00');
    expect(finalResult(s, new Map([[0, '0']])).total).toBe('71.50');
  });

  it('gives no total and says why for a sheet without a score, instead of throwing', () => {
    const failed = scoreSheet({ budget: { adjusted: '0', spent: '0' }, indicators: INDICATORS });
    expect(finalResult(failed)).toMatchObject({ total: null, grade: null, ungraded: '未评分：打分失败，见错误说明' });
    const prose = scoreSheet({ kind: 'department', budget: { adjusted: '100', spent: '90' }, indicators: [] });
    expect(finalResult(prose)).toMatchObject({
      total: null,
      grade: null,
      ungraded: '未评分：缺少产出、效益指标，补充后评分',
    });
    const noEffect = scoreSheet({
      kind: 'department',
      budget: { adjusted: '100', spent: '90' },
      indicators: [INDICATORS[0], INDICATORS[3]],
    });
    expect(ungradedReason(noEffect)).toBe('未评分：缺少效益指标，补充后评分');
    // reviewer scores are kept on the rows; still no total
    expect(finalResult(noEffect, new Map([[0, '40']]))).toMatchObject({
      total: null,
      reviewed: true,
      buckets: { output: { score: '40' } },
    });
    expect(
      ungradedReason(scoreSheet({ budget: { adjusted: '100', spent: '100' }, indicators: INDICATORS })),
    ).toBeNull();
  });

  it('reviews a form without an execution score (产出 40 / 效益 40 / 满意度 20)', () => {
    const s = scoreSheet({
      totals: 'form',
      budget: { adjusted: '100', spent: '50' },
      indicators: INDICATORS.map((i, k) => ({ ...i, weight: ['20', '20', '40', '20'][k] })),
    });
    expect(s).toMatchObject({ execution: null, total: '100.00' });
    expect(finalResult(s, new Map([[2, '30']]))).toMatchObject({ total: '90.00', grade: '优', reviewed: true });
  });
});
