import fc from 'fast-check';
import { parseTarget } from '../targets/parse-target';
import type { Target } from '../targets/interchange';
import { evenSplit, scoreSheet } from './engine';
import { D } from './decimal';
import { plannedPercent } from '../monitoring/plan';
import type { ScoringIndicatorInput, ScoringInput } from './types';

const tgt = (raw: string, cost = false): Target => parseTarget(raw, { cost }).targets[0];
const out = (
  name: string,
  target: string,
  actual: string,
  extra: Partial<ScoringIndicatorInput> = {},
): ScoringIndicatorInput => ({
  level1: '产出指标',
  level2: '数量指标',
  name,
  target: tgt(target),
  actual,
  ...extra,
});
const eff = (
  name: string,
  target: string,
  actual: string,
  extra: Partial<ScoringIndicatorInput> = {},
): ScoringIndicatorInput => ({
  level1: '效益指标',
  level2: '社会效益指标',
  name,
  target: tgt(target),
  actual,
  ...extra,
});
const sat = (actual = '96%', extra: Partial<ScoringIndicatorInput> = {}): ScoringIndicatorInput => ({
  level1: '满意度指标',
  level2: '服务对象满意度指标',
  name: '满意度',
  target: tgt('≥95%'),
  actual,
  ...extra,
});
const sheet = (indicators: ScoringIndicatorInput[], extra: Partial<ScoringInput> = {}): ScoringInput => ({
  budget: { adjusted: '100', spent: '100' },
  indicators,
  ...extra,
});
const ok = (input: ScoringInput) => {
  const r = scoreSheet(input);
  expect(r.errors).toEqual([]);
  return r;
};

describe('weights (§4.2)', () => {
  it('splits a bucket evenly to 2 decimals with the remainder on the last', () => {
    expect(evenSplit(new D(50), 3).map((d) => d.toFixed())).toEqual(['16.66', '16.66', '16.68']);
    const r = ok(
      sheet([out('a', '≥1次', '1'), out('b', '≥1次', '1'), out('c', '≥1次', '1'), eff('d', '提升', '提升'), sat()]),
    );
    expect(r.indicators.map((i) => i.weight)).toEqual(['16.66', '16.66', '16.68', '30', '10']);
    expect(r.total).toBe('100.00');
    expect(r.grade).toBe('优');
  });

  it('accepts unit weights that sum to the bucket and rejects those that do not', () => {
    const good = ok(
      sheet([
        out('a', '≥1次', '1', { weight: '20' }),
        out('b', '≥1次', '1', { weight: '30' }),
        eff('d', '提升', '提升'),
        sat(),
      ]),
    );
    expect(good.indicators.map((i) => i.weight)).toEqual(['20', '30', '30', '10']);
    const bad = scoreSheet(
      sheet([
        out('a', '≥1次', '1', { weight: '20' }),
        out('b', '≥1次', '1', { weight: '20' }),
        eff('d', '提升', '提升'),
        sat(),
      ]),
    );
    expect(bad.total).toBeNull();
    expect(bad.errors).toEqual([{ field: 'indicators[0].weight', message: '产出指标各指标分值合计 40，应为 50' }]);
  });

  it('excludes a not-applicable indicator and rescales its bucket, asking for an explanation', () => {
    const r = ok(
      sheet([
        out('a', '≥1次', '1'),
        out('b', '≥1次', '1'),
        out('c', '≥1件', '', { notApplicable: true }),
        eff('d', '提升', '提升'),
        sat(),
      ]),
    );
    expect(r.indicators.map((i) => [i.weight, i.score])).toEqual([
      ['25', '25'],
      ['25', '25'],
      ['0', '0'],
      ['30', '30'],
      ['10', '10'],
    ]);
    expect(r.indicators[2]).toMatchObject({ notApplicable: true, needsExplanation: true, explanationMissing: true });
    expect(r.indicators[2].draft).toContain('触发条件未发生');
    expect(r.total).toBe('100.00');
  });

  it('moves the 满意度 points to 效益 when a sheet has no 满意度 indicator', () => {
    const r = ok(sheet([out('a', '≥1次', '1'), eff('d', '提升', '提升')]));
    expect(r.indicators.map((i) => i.weight)).toEqual(['50', '40']);
    expect(r.flags.map((f) => f.code)).toEqual(['BUCKET_EMPTY']);
    expect(r.total).toBe('100.00');
  });

  it('counts 满意度 listed under 效益 in the 满意度 bucket, and 成本 in 产出', () => {
    const r = ok(
      sheet([
        out('a', '≥1次', '1'),
        { level1: '成本指标', level2: '经济成本指标', name: '成本', target: tgt('≤10万元'), actual: '9万元' },
        eff('d', '提升', '提升'),
        { level1: '效益指标', level2: '服务对象满意度指标', name: '满意度', target: tgt('≥95%'), actual: '96%' },
      ]),
    );
    expect(r.indicators.map((i) => [i.bucket, i.weight])).toEqual([
      ['output', '25'],
      ['output', '25'],
      ['effect', '30'],
      ['satisfaction', '10'],
    ]);
  });
});

describe('quantitative formulas (§4.4)', () => {
  const one = (target: string, actual: string, profile?: string, cost = false) => {
    const ind: ScoringIndicatorInput = {
      ...out('x', target, actual),
      target: tgt(target, cost),
      ...(cost ? { level2: '成本指标' } : {}),
    };
    const r = ok(sheet([ind, eff('d', '提升', '提升'), sat()], { profile }));
    return r.indicators[0];
  };
  it.each([
    // target, actual, weight 50 → score
    ['≥25次', '25次', '50'],
    ['≥25次', '30', '50'],
    ['≥25次', '20次', '40'],
    ['≥25次', '-3次', '0'],
    ['=100%', '98%', '49'],
    ['100%', '100%', '50'],
    ['≥95%', '97%以上', '50'],
    ['≤60天', '60天', '50'],
    ['≤60天', '75天', '40'],
    ['≤60天', '45天', '50'],
    ['≤0件', '0', '50'],
    ['≤0件', '1件', '0'],
    ['=0', '0', '50'],
    ['≥250米', '≥266米', '50'],
    ['>10次', '5次', '25'],
  ])('%s with actual %s scores %s of 50', (target, actual, score) => {
    expect(one(target, actual).score).toBe(score);
  });

  it('uses the ratio formula for a missed ≤ target by default', () => {
    expect(one('≤60天', '90天')).toMatchObject({ score: '33.333333', explanation: { formula: '分值 × 目标 ÷ 实际' } });
  });

  it('converts 元 to 万元 and refuses units of another kind, naming the field', () => {
    expect(one('≤34万元', '300000元', undefined, true)).toMatchObject({
      score: '50',
      explanation: { adjustments: ['单位换算：300000元 = 30万元'] },
    });
    expect(one('≤34万元', '0.003亿元', undefined, true).score).toBe('50');
    expect(one('≤34万元', '0.0035亿元', undefined, true).score).toBe('48.571429');
    expect(one('≤34万元', '40万元', undefined, true).score).toBe('42.5');
    const bad = scoreSheet(sheet([out('受理率', '=100%', '98次'), eff('d', '提升', '提升'), sat()]));
    expect(bad.errors).toEqual([
      { field: 'indicators[0].actual', message: '“受理率”：实际完成值“98次”的单位“次”与目标单位“%”不一致' },
    ]);
    const text = scoreSheet(sheet([out('次数', '≥3次', '很多'), eff('d', '提升', '提升'), sat()]));
    expect(text.errors[0]).toEqual({
      field: 'indicators[0].actual',
      message: '“次数”：实际完成值“很多”不是数值（目标 ≥3次 需要填写数值）',
    });
  });

  it('records a bound read as an actual in the explanation', () => {
    expect(one('≥250米', '≥266米').explanation.adjustments).toEqual(['实际值写作界值“≥266米”，按达到该界值 266 读取']);
  });

  it('asks for an explanation at +30% overshoot (national-2020) and deducts 2 points (strict)', () => {
    const national = one('≥10次', '13次');
    expect(national).toMatchObject({
      score: '50',
      needsExplanation: true,
      reasons: ['超出目标 30% 以上，须说明目标设定依据'],
    });
    // the cause of an overshoot is not known: the draft says what the numbers show and asks
    expect(national.draft).toContain('实际完成值为年度指标值的130%');
    expect(national.draft).not.toContain('目标设定');
    expect(one('≥10次', '12.9次').needsExplanation).toBe(false);
    const strict = one('≥10次', '13次', 'national-2020-strict');
    expect(strict).toMatchObject({ score: '48', explanation: { adjustments: ['超出目标 30% 以上，扣 2 分'] } });
  });
});

describe('qualitative indicators (§4.5)', () => {
  const q = (grade: string | undefined, score?: string, actual?: string, profile?: string) =>
    scoreSheet(
      sheet([out('a', '≥1次', '1'), eff('社会稳定', '社会稳定', actual ?? '', { grade, score }), sat()], { profile }),
    );
  it('scores by grade with a default inside the band', () => {
    expect(q('达成').indicators[1].score).toBe('30');
    expect(q(undefined, undefined, '社会稳定').indicators[1].score).toBe('30');
    expect(q('部分达成年度指标并具有一定效果').indicators[1].score).toBe('18');
    expect(q('部分达成', '20').indicators[1].score).toBe('20');
    expect(q('未达成', '5').indicators[1]).toMatchObject({ score: '5', needsExplanation: true });
    expect(q('部分达成', undefined, undefined, 'hubei-2020').indicators[1].weight).toBe('30');
  });
  it('refuses a score outside the grade band and a missing grade', () => {
    expect(q('部分达成', '24').errors[0].message).toBe(
      '“社会稳定”评为“部分达成年度指标并具有一定效果”，得分应在 18–24（不含） 之间，填写的是“24”',
    );
    expect(q('达成', '31').errors[0].field).toBe('indicators[1].score');
    expect(q(undefined, undefined, '较好').errors[0].field).toBe('indicators[1].grade');
  });
});

describe('execution, total, caps and grade (§4.3, §4.6)', () => {
  const full = [out('a', '≥1次', '1'), eff('d', '提升', '提升'), sat()];
  it('scores execution as weight × min(rate, 1) and asks for an explanation below 90% or above 100%', () => {
    const r = ok(sheet(full, { budget: { adjusted: '80', spent: '60' } }));
    expect(r.execution).toMatchObject({ rate: '75', score: '7.5', needsExplanation: true, explanationMissing: true });
    expect(r.execution!.draft).toContain('预算执行率75%，扣2.50分。');
    expect(r.total).toBe('97.50');
    const over = ok(sheet(full, { budget: { adjusted: '80', spent: '90' }, executionExplanation: '追加任务' }));
    expect(over.execution).toMatchObject({
      score: '10',
      needsExplanation: true,
      explanationMissing: false,
      draft: null,
    });
  });
  it('refuses a budget of 0 and negative spending, naming the field', () => {
    expect(scoreSheet(sheet(full, { budget: { adjusted: '0', spent: '1' } })).errors).toEqual([
      { field: 'budget.adjusted', message: '全年预算数 0 万元应大于 0' },
    ]);
    expect(scoreSheet(sheet(full, { budget: { adjusted: '10', spent: '-1' } })).errors).toEqual([
      { field: 'budget.spent', message: '全年执行数 -1 万元不能为负数' },
    ]);
    expect(scoreSheet(sheet(full, { budget: { adjusted: '10' } })).errors[0].field).toBe('budget.spent');
  });
  it('caps the total by 执行率 band under the strict profile', () => {
    const r = ok(sheet(full, { profile: 'national-2020-strict', budget: { adjusted: '100', spent: '65' } }));
    expect(r.totalExact).toBe('79');
    expect(r).toMatchObject({ cap: '79', total: '79.00', grade: '中' });
    expect(ok(sheet(full, { budget: { adjusted: '100', spent: '65' } })).total).toBe('96.50');
  });
  it('rounds once, half-up, at the end: 89.995 → 90.00 优', () => {
    const r = ok(
      sheet([out('a', '≥100次', '99.99次'), eff('d', '提升', '', { grade: '部分达成', score: '20' }), sat()]),
    );
    expect(r.indicators[0].score).toBe('49.995');
    expect(r.totalExact).toBe('89.995');
    expect(r).toMatchObject({ total: '90.00', grade: '优' });
  });
  it('grades on the rounded total', () => {
    const grade = (spent: string) =>
      ok(sheet([out('a', '≥100次', '50次'), eff('d', '提升', '提升'), sat()], { budget: { adjusted: '100', spent } }));
    expect(grade('100')).toMatchObject({ total: '75.00', grade: '中' });
    expect(
      ok(sheet([out('a', '≥100次', '10次'), eff('d', '提升', '', { grade: '未达成' }), sat('50%')])),
    ).toMatchObject({ grade: '差' });
  });
  it('keeps each score exact and sums exact values', () => {
    const r = ok(
      sheet([
        out('a', '≥3次', '1次'),
        out('b', '≥3次', '1次'),
        out('c', '≥3次', '1次'),
        eff('d', '提升', '提升'),
        sat(),
      ]),
    );
    expect(r.indicators.slice(0, 3).map((i) => i.score)).toEqual(['5.553333', '5.553333', '5.56']);
    expect(r.totalExact).toMatch(/^66\.6666666666666666666/);
    expect(r.total).toBe('66.67');
  });
});

describe('drafts (§4.7)', () => {
  it('writes the example sentence shape from the numbers', () => {
    const r = ok(
      sheet([
        out('信访事项及时受理率', '100%', '98%', {
          weight: '6.5',
          causeCategory: '人员保障',
          causeText: '部分信访事项受理时人员不足',
        }),
        out('b', '≥1次', '1', { weight: '43.5' }),
        eff('d', '提升', '提升'),
        sat(),
      ]),
    );
    expect(r.indicators[0].draft).toBe(
      '信访事项及时受理率年度指标值100%，实际完成98%，完成率98%，扣0.13分。偏差原因：人员保障方面，部分信访事项受理时人员不足。改进措施：合理调配工作力量，加强业务培训，由人事股负责于下一年度一季度内落实到岗。',
    );
  });
  it('includes the quarterly trend and never drafts over a human text', () => {
    const trend = ok(
      sheet([
        out('化解数', '≥20个', '15个', { quarterly: ['3个', '7个', '11个', '15个'] }),
        eff('d', '提升', '提升'),
        sat(),
      ]),
    );
    expect(trend.indicators[0].draft).toContain('分季度累计完成情况：一季度3个、二季度7个、三季度11个、四季度15个。');
    const human = ok(
      sheet([out('化解数', '≥20个', '15个', { explanation: '单位自己写的说明' }), eff('d', '提升', '提升'), sat()]),
    );
    expect(human.indicators[0]).toMatchObject({ needsExplanation: true, explanationMissing: false, draft: null });
  });
  it('compares spending timing with the sheet plan (linear between checkpoints)', () => {
    const plan = [
      { month: 3, percent: '25' },
      { month: 6, percent: '50' },
      { month: 10, percent: '75' },
      { month: 12, percent: '100' },
    ];
    expect(plannedPercent(plan, 9).toFixed(2)).toBe('68.75');
    expect(plannedPercent([], 9).toFixed()).toBe('75');
    const r = ok(
      sheet([out('a', '≥1次', '1'), eff('d', '提升', '提升'), sat()], {
        budget: { adjusted: '40', spent: '30' },
        spendingPlan: plan,
        quarterlySpent: ['5', '12', '20', '30'],
      }),
    );
    expect(r.execution!.draft).toContain(
      '一季度末累计支出12.5%（计划25%），二季度末累计支出30%（计划50%），三季度末累计支出50%（计划68.75%），四季度末累计支出75%（计划100%）',
    );
  });
});

describe('consistency review (复核)', () => {
  it('flags rule breaks in a published self-evaluation', () => {
    const r = ok(
      sheet(
        [
          out('met', '≥10次', '10次', { publishedScore: '20', explanation: '说明' }),
          out('missed', '≥10次', '5次', { publishedScore: '25' }),
          eff('d', '提升', '提升', { publishedScore: '28' }),
          sat('96%', { publishedScore: '10' }),
        ],
        {
          budget: { adjusted: '100', spent: '80' },
          executionExplanation: '说明',
          published: { total: '95', executionScore: '10' },
        },
      ),
    );
    expect(r.flags.map((f) => f.code)).toEqual([
      'TARGET_MET_BUT_DEDUCTED',
      'TARGET_MISSED_FULL_MARKS',
      'TARGET_MET_BUT_DEDUCTED',
      'DEDUCTION_WITHOUT_EXPLANATION',
      'EXECUTION_SCORE_WRONG',
      'TOTAL_MISMATCH',
    ]);
    expect(r.flags.find((f) => f.code === 'TOTAL_MISMATCH')!.message).toBe('自评总分 95 与各项得分合计 93 不一致');
    expect(r.flags.find((f) => f.code === 'EXECUTION_SCORE_WRONG')!.message).toBe(
      '预算执行率得分自评 10，按执行率 80% 应为 8.00',
    );
  });
});

describe('properties', () => {
  it('keeps every total within 0–100 and grades consistently', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('≥25次', '≤60天', '=100%', '≤0件', '≥95%'), fc.integer({ min: 0, max: 200 })),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 150 }),
        (rows, spent) => {
          const r = scoreSheet(
            sheet(
              [
                ...rows.map(([t, a], i) =>
                  out(
                    `i${i}`,
                    t,
                    `${a}${tgt(t).kind === 'quantitative' ? ((tgt(t) as { unit: string | null }).unit ?? '') : ''}`,
                  ),
                ),
                eff('d', '提升', '提升'),
                sat(),
              ],
              { budget: { adjusted: '100', spent: String(spent) } },
            ),
          );
          expect(r.errors).toEqual([]);
          const total = new D(r.total!);
          expect(total.gte(0) && total.lte(100)).toBe(true);
          const expected = total.gte(90) ? '优' : total.gte(80) ? '良' : total.gte(60) ? '中' : '差';
          expect(r.grade).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('printed forms (totals: form, docs/scoring.md)', () => {
  const form = (indicators: ScoringIndicatorInput[], extra: Partial<ScoringInput> = {}): ScoringInput => ({
    totals: 'form',
    budget: { adjusted: '100', spent: '100' },
    executionWeight: '10',
    indicators,
    ...extra,
  });
  const flagCodes = (r: ReturnType<typeof scoreSheet>) => r.flags.map((f) => f.code);

  it('takes the printed 分值 as the weights and flags totals that depart from the profile', () => {
    const r = ok(
      form([
        out('a', '≥1次', '1', { weight: '35' }),
        out('b', '≥1次', '1', { weight: '35' }),
        eff('d', '提升', '提升', { weight: '10.3' }),
        eff('e', '提升', '提升', { weight: '9.7' }),
      ]),
    );
    expect(r.buckets).toMatchObject({ output: { points: '70' }, effect: { points: '20' } });
    expect(r.total).toBe('100.00');
    expect(r.flags[0].message).toBe(
      '表内一级指标分值为 预算执行率 10、产出指标 70、效益指标 20，与评分方案“全国通用（财预〔2020〕10号 项目支出绩效自评）”的 预算执行率 10、产出指标 50、效益指标 30、满意度指标 10 不同，按表内分值评分（与“衔接资金：产出 70、效益 20、预算执行 10”模板一致）',
    );
    const noExecution = ok(
      form([out('a', '≥1次', '1', { weight: '60' }), eff('d', '提升', '提升', { weight: '40' })], {
        executionWeight: undefined,
      }),
    );
    expect(noExecution).toMatchObject({ execution: null, total: '100.00' });
    expect(flagCodes(noExecution)).toContain('NO_EXECUTION_SCORE');
  });

  it('keeps 其中 rows and subtotal parents without scoring them', () => {
    const r = ok(
      form([
        out('种植面积', '29.5亩', '29.5亩', { weight: '20' }),
        out('其中桃树', '1.5亩', '1.5亩'),
        out('一、示范区', '≥3组', '3组', { weight: '30' }),
        out('1、试验甲', '≥1组', '1组', { weight: '10' }),
        out('2、试验乙', '≥2组', '2组', { weight: '20' }),
        eff('d', '提升', '提升', { weight: '20' }),
        eff('未印分值的行', '提升', '提升'),
      ]),
    );
    expect(r.unscored.map((u) => [u.role, u.name])).toEqual([
      ['breakdown', '其中桃树'],
      ['subtotal', '一、示范区'],
      ['breakdown', '未印分值的行'],
    ]);
    expect(r.indicators.map((i) => i.name)).toEqual(['种植面积', '1、试验甲', '2、试验乙', 'd']);
    expect(flagCodes(r)).toContain('UNWEIGHTED_ROW');
    expect(r.total).toBe('80.00');
    // Only 其中 (or 含：) marks a breakdown by name: 含水率 is an indicator.
    const named = ok(
      sheet([out('含水率', '≤12%', '11%'), out('其中：一类', '≥1次', '1'), eff('d', '提升', '提升'), sat()]),
    );
    expect(named.indicators.map((i) => [i.name, i.weight])).toEqual([
      ['含水率', '50'],
      ['d', '30'],
      ['满意度', '10'],
    ]);
  });

  it("weighs a bucket the unit left without 分值 by the profile, and flags the unit's other totals", () => {
    // a stored sheet: the unit weighed 产出 only (60 instead of 50); 效益 and 满意度 keep the profile's split
    const stored = {
      totals: 'form' as const,
      budget: { adjusted: '100', spent: '100' },
      indicators: [
        out('a', '≥1次', '1', { weight: '40' }),
        out('b', '≥1次', '1', { weight: '20' }),
        eff('c', '提升', '提升'),
        eff('d', '提升', '提升'),
        sat(),
      ],
    };
    const r = ok(stored);
    expect(r.indicators.map((i) => i.weight)).toEqual(['40', '20', '15', '15', '10']);
    expect(r.unscored).toEqual([]);
    // the profile's execution score stays: points taken from the profile say nothing of a form without one
    expect(r).toMatchObject({ total: '110.00', execution: { weight: '10' } });
    expect(flagCodes(r)).toEqual([
      'BUCKET_WEIGHTS_FROM_PROFILE',
      'BUCKET_WEIGHTS_FROM_PROFILE',
      'BUCKET_TOTALS_DIFFER',
      'POINTS_NOT_100',
    ]);
    expect(r.flags[0].message).toBe(
      '效益指标未填分值，按评分方案“全国通用（财预〔2020〕10号 项目支出绩效自评）”的 30 分均分',
    );
    // without 满意度 rows its points join 效益 where 效益 takes the profile's points (as on the profile's own split)
    const noSat = ok({ ...stored, indicators: stored.indicators.slice(0, 4) });
    expect(noSat.indicators.map((i) => i.weight)).toEqual(['40', '20', '20', '20']);
    expect(flagCodes(noSat)).toContain('BUCKET_EMPTY');
    // the unit's own 40 / 40 / 20 without an execution score: the form's totals, no execution part
    const own = ok({
      ...stored,
      indicators: [
        out('a', '≥1次', '1', { weight: '40' }),
        eff('c', '提升', '提升', { weight: '40' }),
        sat('96%', { weight: '20' }),
      ],
    });
    expect(own).toMatchObject({ execution: null, total: '100.00' });
    expect(flagCodes(own)).toEqual(['NO_EXECUTION_SCORE', 'BUCKET_TOTALS_DIFFER']);
    // without any 分值 the profile's split holds, as under the profile's totals
    const none = ok({ ...stored, indicators: stored.indicators.map((i) => ({ ...i, weight: undefined })) });
    expect(none.indicators.map((i) => i.weight)).toEqual(['25', '25', '15', '15', '10']);
    expect(flagCodes(none)).toEqual(['WEIGHTS_NOT_PRINTED']);
  });

  it('grades the words real forms print and names the row and the accepted words otherwise', () => {
    const graded = (actual: string) =>
      scoreSheet(form([out('a', '≥1次', '1', { weight: '50' }), eff('规范性', '严格执行', actual, { weight: '40' })]));
    expect(graded('达成预期指标').indicators[1].score).toBe('40');
    expect(graded('基本达到').indicators[1].score).toBe('24');
    expect(graded('良').indicators[1].score).toBe('32');
    expect(graded('否').indicators[1].score).toBe('0');
    const bad = graded('较好').errors[0];
    expect(bad.field).toBe('indicators[1].grade');
    expect(bad.message).toMatch(/^第 2 行“规范性”的评价“较好”无法识别，须为.*达成预期指标、.*基本达到.*、否、差$/);
    expect(scoreSheet(form([out('验收时间', '9月前', '10月', { weight: '90' })])).indicators[0].score).toBe('0');
    expect(scoreSheet(form([out('验收时间', '9月前', '7月', { weight: '90' })])).indicators[0].score).toBe('90');
  });

  it('reproduces a published score at the form precision and flags one that is not', () => {
    const r = ok(
      form(
        [
          out('a', '≥1000人', '949人', { weight: '3', publishedScore: '2.8', explanation: '说明' }),
          out('b', '≥1000人', '642人', { weight: '5', publishedScore: '3.2', explanation: '说明' }),
          out('c', '≥10次', '10次', { weight: '82', publishedScore: '82' }),
        ],
        { published: { executionScore: '10', total: '98' } },
      ),
    );
    // 3 × 0.949 = 2.847 → 2.8; 5 × 0.642 = 3.21 → 3.2; the parts add up to the printed 98, the rules to 98.057.
    expect(r.review!.rows.map((x) => [x.published, x.ruleAtPrecision, x.status])).toEqual([
      ['2.8', '2.8', 'reproduced'],
      ['3.2', '3.2', 'reproduced'],
      ['82', '82.0', 'reproduced'],
    ]);
    expect(r.review!.total).toMatchObject({ status: 'flagged', ruleAtPrecision: '98.1' });
    expect(r.flags.slice(1)).toEqual([{ code: 'TOTAL_DIFFERS', message: '自评总分 98，按规则应为 98.06' }]);
    const whole = ok(form([out('a', '≥100人', '64.2人', { weight: '5', publishedScore: '3' })]));
    expect(whole.review!.rows[0]).toMatchObject({ ruleAtPrecision: '3', status: 'reproduced' });
  });

  it('reads money as the form means it, with a flag', () => {
    const lines = ok(
      form([out('a', '≥1次', '1', { weight: '90' })], {
        budget: { adjusted: '0', spent: '0', lines: [{ name: '本年财政拨款', adjusted: '89.974', spent: '80' }] },
      }),
    );
    expect(lines.execution).toMatchObject({ rate: '88.914575', weight: '10' });
    expect(flagCodes(lines).filter((c) => c === 'BUDGET_FROM_LINES')).toHaveLength(2);
    const initialOnly = ok(form([out('a', '≥1次', '1', { weight: '90' })], { budget: { initial: '50', spent: '25' } }));
    expect(initialOnly.execution!.score).toBe('5');
    expect(initialOnly.flags.find((f) => f.code === 'BUDGET_FROM_INITIAL')!.message).toBe(
      '表中只有年初预算数，按年初预算数 50 万元作为全年预算数',
    );
    const yuan = ok(
      form([out('a', '≥1次', '1', { weight: '90' })], {
        amountUnit: '元',
        budget: { adjusted: '400000', spent: '300000' },
        quarterlySpent: ['50000', '150000', '200000', '300000'],
      }),
    );
    expect(yuan.execution!.draft).toContain('全年预算数40.00万元，全年执行数30.00万元');
    expect(yuan.execution!.draft).toContain('一季度末累计支出12.5%');
  });

  it('flags empty and missing cells for the reviewer instead of full marks or a refusal', () => {
    const r = ok(
      form([
        out('工程质量合格', '', '', { weight: '30', publishedScore: '30' }),
        out('覆盖率', '=100%', '', { weight: '30' }),
        out('完整性', '—', '目标明确、内容细化', { weight: '30' }),
      ]),
    );
    expect(r.indicators.map((i) => [i.score, i.pendingReview])).toEqual([
      ['0', '年度指标值和实际完成值都为空'],
      ['0', '缺少实际完成值'],
      ['0', '没有年度指标值，实际完成情况无从比较'],
    ]);
    expect(flagCodes(r)).toEqual(
      expect.arrayContaining(['TARGET_AND_ACTUAL_EMPTY', 'ACTUAL_MISSING', 'TARGET_MISSING', 'SCORE_DIFFERS']),
    );
  });

  it('does not grade a department sheet without 产出 or 效益 indicators', () => {
    const prose = scoreSheet({ kind: 'department', budget: { adjusted: '100', spent: '90' }, indicators: [] });
    expect(prose).toMatchObject({ errors: [], gradable: false, total: null, grade: null });
    expect(prose.flags.map((f) => f.code)).toEqual([
      'BUCKET_EMPTY',
      'BUCKET_EMPTY',
      'BUCKET_EMPTY',
      'DEPARTMENT_NOT_GRADABLE',
    ]);
    const noEffect = scoreSheet({
      kind: 'department',
      budget: { adjusted: '100', spent: '90' },
      indicators: [out('a', '≥1次', '1'), sat()],
    });
    expect(noEffect).toMatchObject({ gradable: false, total: null });
    expect(noEffect.indicators.map((i) => i.score)).toEqual(['50', '10']);
    const project = scoreSheet({
      budget: { adjusted: '100', spent: '90' },
      indicators: [out('a', '≥1次', '1'), sat()],
    });
    expect(project).toMatchObject({ gradable: true, total: '69.00' });
  });
});
