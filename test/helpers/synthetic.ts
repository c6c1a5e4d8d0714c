import { parseTarget, TargetSheet } from '@selfeval/domain';

/** A small project sheet of unit 900 (故障测试单位), for tests that need many sheets. */
export function syntheticProject(i: number): TargetSheet {
  const ind = (level1: string, level2: string, name: string, raw: string, cost = false) => ({
    level1,
    level2,
    name,
    target: parseTarget(raw, { cost }).targets[0],
  });
  return {
    kind: 'project',
    year: 2026,
    unit: { code: '900', name: '故障测试单位' },
    project: { code: null, name: `项目${String(i).padStart(4, '0')}` },
    budget: { total: '10' },
    spendingPlan: [],
    goal: '完成年度任务',
    attributes: {},
    warnings: [],
    indicators: [
      ind('产出指标', '数量指标', '接访次数', '≥10次'),
      ind('产出指标', '质量指标', '办结率', '≥90%'),
      ind('产出指标', '成本指标', '经费', '≤10万元', true),
      ind('效益指标', '社会效益指标', '稳定率', '≥95%'),
      ind('满意度指标', '服务对象满意度指标', '满意度', '≥90%'),
    ],
  };
}

/** Year-end values for a synthetic sheet's indicators (one falls short: 88 % of 90 %). */
export function syntheticValues(indicators: { id: string; position: number }[]) {
  return [...indicators]
    .sort((a, b) => a.position - b.position)
    .map((i, k) => ({ indicatorId: i.id, value: ['10次', '88%', '9万元', '95%', '92%'][k] }));
}
