import { lightReasons } from './actuals-queries.service';

describe('lightReasons (the board says why a light is red)', () => {
  const details = {
    spending: {
      light: 'red',
      executionRate: '110',
      expected: '100',
      progress: '110',
      explanation: '超预算：累计执行 66 万元，超过全年预算 60 万元（执行率 110%）',
    },
    indicators: [
      { indicatorId: 'a', name: '劝返率', light: 'red', progress: '40', explanation: '当前 40 ÷ 目标 100 = 40%' },
      { indicatorId: 'b', name: '接访次数', light: 'yellow', progress: '70', explanation: '当前 7 ÷ 10 = 70%' },
      { indicatorId: 'c', name: '宣传次数', light: 'green', progress: '100', explanation: '当前 10 ÷ 10 = 100%' },
    ],
  };
  it('names the red indicators (the worst) and keeps the spending reason, from stored JSON text', () => {
    expect(lightReasons(JSON.stringify(details))).toEqual({
      spendingReason: '超预算：累计执行 66 万元，超过全年预算 60 万元（执行率 110%）',
      indicatorReasons: [{ name: '劝返率', light: 'red', explanation: '当前 40 ÷ 目标 100 = 40%' }],
    });
  });
  it('yellow ones when none is red; none when all are green; nothing for missing or broken details', () => {
    const noRed = { ...details, indicators: details.indicators.slice(1) };
    expect(lightReasons(JSON.stringify(noRed)).indicatorReasons.map((i) => i.name)).toEqual(['接访次数']);
    const green = { ...details, indicators: details.indicators.slice(2) };
    expect(lightReasons(JSON.stringify(green)).indicatorReasons).toEqual([]);
    expect(lightReasons(null)).toEqual({ spendingReason: null, indicatorReasons: [] });
    expect(lightReasons('{not json')).toEqual({ spendingReason: null, indicatorReasons: [] });
  });
});
