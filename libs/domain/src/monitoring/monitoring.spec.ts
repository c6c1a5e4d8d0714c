import { parseTarget } from '../targets/parse-target';
import { D } from '../scoring/decimal';
import { indicatorLight, spendingLight, worstLight } from './lights';
import { plannedPercent } from './plan';
import { decimalOverflow, validateQuarterReport } from './quarter-report';

const PLAN = [
  { month: 3, percent: '25' },
  { month: 6, percent: '50' },
  { month: 10, percent: '75' },
  { month: 12, percent: '100' },
];
const t = (raw: string) => parseTarget(raw).targets[0];

describe('spending light against the 馆陶 25/50/75/100 plan (domain.md §5)', () => {
  it.each([
    // spent of 40 万元, month, expected %, progress %, light — computed by hand
    ['10', 3, '25', '100', 'green'],
    ['7', 3, '25', '70', 'yellow'],
    ['5.9', 3, '25', '59', 'red'],
    ['16', 6, '50', '80', 'green'],
    ['27.5', 9, '68.75', '100', 'green'],
    ['20', 9, '68.75', '72.73', 'yellow'],
    ['40', 12, '100', '100', 'green'],
  ])('spent %s at month %i: expected %s, progress %s → %s', (spent, month, expected, progress, light) => {
    expect(spendingLight(spent, '40', month, PLAN)).toMatchObject({ expected, progress, light });
  });
  it('spending above the budget is red, also at year end where 110 % of a 100 % plan was green before', () => {
    expect(spendingLight('44', '40', 12, PLAN)).toMatchObject({
      executionRate: '110',
      light: 'red',
      explanation: '超预算：累计执行 44 万元，超过全年预算 40 万元（执行率 110%）',
    });
    expect(spendingLight('40.01', '40', 9, PLAN).light).toBe('red');
  });
  it('spending far ahead of the plan is yellow with the reason; slow spending says so too', () => {
    // 12 of 40 at month 3: 30 % against a planned 25 % → 120 %
    expect(spendingLight('12', '40', 3, PLAN)).toMatchObject({
      progress: '120',
      light: 'yellow',
      explanation: '支出快于计划：执行率 30% ÷ 计划进度 25% = 120%',
    });
    expect(spendingLight('11.9', '40', 3, PLAN).light).toBe('green');
    expect(spendingLight('5.9', '40', 3, PLAN).explanation).toBe('支出慢于计划：执行率 14.75% ÷ 计划进度 25% = 59%');
  });
  it('falls back to m/12 without a plan', () => {
    expect(spendingLight('10', '40', 6, undefined)).toMatchObject({ expected: '50', progress: '50', light: 'red' });
    expect(plannedPercent([{ month: 12, percent: '100' }], 3).toFixed()).toBe('25');
  });
});

describe('indicator lights', () => {
  it.each([
    ['≥20个', '5', 3, 'green', '100'],
    ['≥20个', '3.5', 3, 'yellow', '70'],
    ['≥20个', '2', 3, 'red', '40'],
    ['≥20个', '12', 3, 'blue', '240'],
    ['=100%', '98', 3, 'green', '98'],
    ['≥95%', '50', 9, 'red', '52.63'],
  ])('%s with %s at month %i → %s', (target, current, month, light, progress) => {
    expect(indicatorLight({ target: t(target), current: new D(current) }, month)).toMatchObject({ light, progress });
  });
  it('treats ≤ targets as green while within and red beyond', () => {
    expect(indicatorLight({ target: t('≤60天'), current: new D(60) }, 6).light).toBe('green');
    expect(indicatorLight({ target: t('≤0件'), current: new D(1) }, 6).light).toBe('red');
  });
  it('maps grades, not reported and 完全不可能', () => {
    const q = t('社会稳定');
    expect(indicatorLight({ target: q, current: null, grade: '达成年度指标' }, 3).light).toBe('green');
    expect(indicatorLight({ target: q, current: null, grade: '部分达成年度指标并具有一定效果' }, 3).light).toBe(
      'yellow',
    );
    expect(indicatorLight({ target: q, current: null, grade: '未达成年度指标且效果较差' }, 3).light).toBe('red');
    expect(indicatorLight({ target: t('≥5次'), current: null }, 3).light).toBe('none');
    expect(indicatorLight({ target: t('≥5次'), current: new D(5), likelihood: '完全不可能' }, 3).light).toBe('red');
  });
  it('rolls up to the worst light', () => {
    expect(worstLight(['green', 'blue', 'yellow'])).toBe('yellow');
    expect(worstLight(['green', 'blue'])).toBe('green');
    expect(worstLight(['blue', 'red', 'none'])).toBe('red');
    expect(worstLight(['green', 'none'])).toBe('none');
    expect(worstLight([])).toBe('none');
  });
});

describe('validateQuarterReport', () => {
  const sheet = {
    budgetTotal: '40',
    indicators: [
      { id: 'n', name: '值班人数', target: t('9人') },
      { id: 'r', name: '到位率', target: t('100%') },
      { id: 'c', name: '资金', target: parseTarget('≤40万元', { cost: true }).targets[0] },
      { id: 'q', name: '社会稳定', target: t('社会稳定') },
    ],
  };
  it('normalises values into the target unit and sums spending exactly', () => {
    const r = validateQuarterReport(
      {
        spending: [
          { source: '财政拨款', amount: '8.1' },
          { source: '其他资金', amount: '0.2' },
        ],
        values: [
          { indicatorId: 'n', value: '9人' },
          { indicatorId: 'c', value: '81000元' },
          { indicatorId: 'q', grade: '达成年度指标' },
        ],
      },
      sheet,
    );
    expect(r.errors).toEqual([]);
    expect(r.spentTotal).toBe('8.3');
    expect(r.values.map((v) => v.valueNum ?? v.grade)).toEqual(['9', '8.1', '达成年度指标']);
  });
  it('names the field of every problem', () => {
    const r = validateQuarterReport(
      {
        spending: [
          { source: '财政拨款', amount: '-1' },
          { source: '自筹', amount: 'abc' },
        ],
        adjustments: [{ amount: '5', reason: '' }],
        values: [
          { indicatorId: 'n', value: '很多' },
          { indicatorId: 'r', value: '120%' },
          { indicatorId: 'c', value: '3次' },
          { indicatorId: 'q', grade: '很好', likelihood: '也许', causeCategory: '天气' },
          { indicatorId: 'x', value: '1' },
          { indicatorId: 'n', value: '3人' },
        ],
      },
      sheet,
    );
    expect(r.errors.map((e) => e.field)).toEqual([
      'spending[0].amount',
      'spending[1].source',
      'spending[1].amount',
      'adjustments[0].reason',
      'values[0].value',
      'values[1].value',
      'values[2].value',
      'values[3].likelihood',
      'values[3].causeCategory',
      'values[3].grade',
      'values[4].indicatorId',
      'values[5].indicatorId',
    ]);
    expect(r.errors[11].message).toBe('“值班人数”重复填报（与 values[0] 是同一指标），每个指标只能填一次');
    expect(r.errors[0].message).toBe('资金来源“财政拨款”的执行数“-1”不能为负数');
    expect(r.errors[5].message).toBe('“到位率”是比率，当前值 120% 不能超过 100%');
    expect(r.errors[6].message).toBe('“资金”：实际完成值“3次”的单位“次”与目标单位“万元”不一致');
  });
  it('refuses numbers longer than the database columns, naming the field', () => {
    const r = validateQuarterReport(
      {
        spending: [{ source: '财政拨款', amount: '1234567890123' }],
        adjustments: [{ amount: '0.0000001', reason: '调整' }],
        values: [{ indicatorId: 'n', value: '123456789012345人' }],
        overspendExplanation: '超支说明',
      },
      sheet,
    );
    expect(r.errors).toEqual([
      {
        field: 'spending[0].amount',
        message: '资金来源“财政拨款”的执行数“1234567890123”超出可保存的范围（整数部分最多 12 位）',
      },
      { field: 'adjustments[0].amount', message: '预算调整金额“0.0000001”应为数字（万元，调减写负数）' },
      {
        field: 'values[0].value',
        message: '“值班人数”当前值“123456789012345人”超出可保存的范围（整数部分最多 14 位）',
      },
    ]);
    expect(decimalOverflow('123456789012.123456', 'money')).toBeNull();
    expect(decimalOverflow('-999999999999.999999', 'money')).toBeNull();
    expect(decimalOverflow('1000000000000', 'money')).toBe('超出可保存的范围（整数部分最多 12 位）');
    expect(decimalOverflow('1.1234567', 'value')).toBe('小数位过多（最多 6 位）');
  });
  it('requires an explanation for spending above the adjusted budget, and adjustments count', () => {
    const over = { spending: [{ source: '财政拨款', amount: '42' }], values: [] };
    expect(validateQuarterReport(over, sheet).errors).toEqual([
      { field: 'overspendExplanation', message: '累计执行数 42 万元超过调整后预算数 40 万元，须说明原因' },
    ]);
    expect(validateQuarterReport({ ...over, overspendExplanation: '追加任务' }, sheet).warnings).toHaveLength(1);
    const adj = validateQuarterReport({ ...over, adjustments: [{ amount: '5', reason: '追加驻京经费' }] }, sheet);
    expect(adj).toMatchObject({ errors: [], adjustedBudget: '45' });
  });
  it('warns when a cumulative count goes down between quarters', () => {
    const r = validateQuarterReport(
      { spending: [], values: [{ indicatorId: 'n', value: '5人' }] },
      sheet,
      new Map([['n', '7']]),
    );
    expect(r.warnings).toEqual([
      { field: 'values[0].value', message: '“值班人数”累计值 5 比上一季度的 7 少，请确认按累计数填报' },
    ]);
  });
});
