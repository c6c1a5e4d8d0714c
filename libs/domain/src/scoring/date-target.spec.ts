import { indicatorLight } from '../monitoring/lights';
import { parseTarget } from '../targets/parse-target';
import { D } from './decimal';
import { deadlineOf, readCompletion, scoreDeadline } from './date-target';
import { scoreSheet } from './engine';
import type { DateTarget, PeriodTarget } from '../targets/interchange';
import type { ScoringIndicatorInput } from './types';

const date = (raw: string) => parseTarget(raw, { level2: '时效指标' }).targets[0] as DateTarget;
const period = (raw: string) => parseTarget(raw, { level2: '时效指标' }).targets[0] as PeriodTarget;

describe('a 时效 row with a date target scores by "done by the date"', () => {
  it.each([
    ['2025年11月20日', true],
    ['2025-12-31', true],
    ['11月底', true],
    ['2026年1月5日', false],
    ['是', true],
    ['按时完成', true],
    ['否', false],
    ['逾期', false],
  ])('deadline 2025年12月31日前, actual %s → on time %s', (actual, onTime) => {
    const r = readCompletion(actual, date('2025年12月31日前'));
    expect(r).toMatchObject({ ok: true, onTime });
  });

  it('compares month and day when the deadline names no year (10月底前)', () => {
    expect(readCompletion('2025年10月15日', date('10月底前'))).toMatchObject({ ok: true, onTime: true });
    expect(readCompletion('11月3日', date('10月底前'))).toMatchObject({ ok: true, onTime: false });
  });

  it('takes the end of a period as its deadline', () => {
    expect(deadlineOf(period('2024.03-2024.11'))).toBe('2024-11-30');
    expect(deadlineOf(period('1-12月'))).toBe('--12-31');
    expect(readCompletion('2024年12月10日', period('2024.03-2024.11'))).toMatchObject({ onTime: false });
  });

  it('rejects an actual that is neither a date nor 是/否, in Chinese', () => {
    const r = readCompletion('98%', date('10月底前'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('请填写完成日期');
  });

  it('gives full marks on time and none when late, through the engine', () => {
    const row = (actual: string): ScoringIndicatorInput => ({
      level1: '产出指标',
      level2: '时效指标',
      name: '资金拨付时间',
      target: date('10月底前'),
      actual,
      explanation: '已说明',
    });
    const sheet = (actual: string) =>
      scoreSheet({ budget: { adjusted: '10', spent: '10' }, indicators: [row(actual)] });
    const onTime = sheet('2025年10月20日');
    expect(onTime.errors).toEqual([]);
    expect(onTime.indicators[0]).toMatchObject({ score: onTime.indicators[0].weight, completionRate: '100' });
    const late = sheet('2025年11月20日');
    expect(late.indicators[0]).toMatchObject({ score: '0', completionRate: '0', reasons: ['未在期限内完成'] });
    expect(late.indicators[0].explanation.adjustments[0]).toContain('晚于期限10月31日');
    const bad = sheet('很快');
    // an actual that is neither a date nor 是/否 falls to the reading as written, which names the row
    expect(bad.errors[0]).toMatchObject({ field: expect.stringMatching(/^indicators\[0\]\./) });
    expect(bad.errors[0].message).toContain('资金拨付时间');
  });

  it('scoreDeadline returns the weight or nothing', () => {
    const r = scoreDeadline(date('2025年底'), '是', new D(10));
    expect(r.ok && r.score.toFixed()).toBe('10');
  });
});

describe('monitoring lights for a deadline', () => {
  const t = date('10月底前');
  it('is neutral before the deadline, red after it without completion, green once done', () => {
    expect(indicatorLight({ target: t, current: null }, 6).light).toBe('none');
    expect(indicatorLight({ target: t, current: null }, 12)).toMatchObject({
      light: 'red',
      explanation: expect.stringContaining('10月31日 已过'),
    });
    expect(indicatorLight({ target: t, current: null, grade: '已完成' }, 12).light).toBe('green');
    expect(indicatorLight({ target: period('2025年1月-12月'), current: null }, 9).light).toBe('none');
  });
});

describe('the cost row ═100% of the issue', () => {
  it('reads ═ as =, so an actual of 90% no longer scores full marks', () => {
    const target = parseTarget('═100%', { level2: '成本指标', cost: true }).targets[0];
    expect(target).toMatchObject({ op: '=', value: '100', unit: '%' });
    const r = scoreSheet({
      budget: { adjusted: '10', spent: '10' },
      indicators: [
        {
          level1: '产出指标',
          level2: '成本指标',
          name: '生均补助标准达标率',
          target,
          actual: '90%',
          explanation: '已说明',
        },
      ],
    });
    expect(r.errors).toEqual([]);
    const ind = r.indicators[0];
    expect(ind.completionRate).toBe('90');
    expect(new D(ind.score).lt(ind.weight)).toBe(true);
  });
});
