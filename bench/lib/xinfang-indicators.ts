/**
 * The 15 indicators of a 信访 project (as in the 渌口 seed) that the benches import, fill in and score:
 * the template's columns (一级/二级/三级指标, 指标值类型, 指标值, 度量单位) and the value a unit reports.
 */
const INDICATORS: [string, string, string, string, string, string, string][] = [
  ['产出指标', '数量指标', '坐班接访', '≥', '264', '天', '66天'],
  ['', '', '网上来信办理', '≥', '300', '件', '75件'],
  ['', '', '联席会议', '≥', '4', '次', '1次'],
  ['', '', '听取汇报', '≥', '4', '次', '1次'],
  ['', '质量指标', '按期办结率', '=', '100', '%', '100%'],
  ['', '', '及时受理率', '=', '100', '%', '100%'],
  ['', '', '调解协议率', '定性', '高于市平均值', '', '达成年度指标'],
  ['', '时效指标', '按计划完成', '=', '80', '%', '80%'],
  ['效益指标', '社会效益', '促进社会和谐稳定', '≥', '95', '%', '95%'],
  ['', '生态效益', '法治化建设程度', '≥', '90', '%', '90%'],
  ['', '可持续影响', '长效机制', '定性', '落实到位', '', '达成年度指标'],
  ['满意度指标', '服务对象满意度', '信访人满意度', '≥', '80', '%', '85%'],
  ['成本指标', '经济成本指标', '公用经费成本', '≤', '26.48', '万元', '6万元'],
  ['', '', '项目经费成本', '≤', '12', '万元', '3万元'],
  ['', '', '人员经费成本', '≤', '11.57', '万元', '2.9万元'],
];

export const TEMPLATE_HEADER = ['一级指标', '二级指标', '三级指标', '指标值类型', '指标值', '度量单位'].join('\t');

/** The rows in the six-column template: level1, level2, name, value type, value, unit. */
export const TEMPLATE_ROWS = INDICATORS.map((r) => r.slice(0, 6));

/** The rows in the four-column template, the value written out (“≥264天”, or the qualitative target). */
export const SHORT_ROWS = INDICATORS.map(([l1, l2, name, type, value, unit]) => [
  l1,
  l2,
  name,
  type === '定性' ? value : `${type}${value}${unit}`,
]);

/** The quarterly save's JSON body: 12.5 万元 spent and each indicator's reported value (a grade when qualitative). */
export function quarterBody(indicatorIds: string[]): string {
  return JSON.stringify({
    spending: [{ source: '财政拨款', amount: '12.5' }],
    values: indicatorIds.map((indicatorId, k) => {
      const reported = INDICATORS[k][6];
      return reported.startsWith('达成') ? { indicatorId, grade: reported } : { indicatorId, value: reported };
    }),
  });
}
