import { parseTarget } from '../targets/parse-target';
import { D } from './decimal';
import { draftIndicator } from './drafts';
import type { ScoringIndicatorInput } from './types';

const row = (
  level2: string,
  name: string,
  target: string,
  actual: string,
  extra: Partial<ScoringIndicatorInput> = {},
): ScoringIndicatorInput => ({
  level1: /满意/.test(level2) ? '满意度指标' : /效益/.test(level2) ? '效益指标' : '产出指标',
  level2,
  name,
  target: parseTarget(target, { level2, cost: /成本/.test(level2) }).targets[0],
  actual,
  ...extra,
});
const draft = (ind: ScoringIndicatorInput, completion: string | null, reasons: string[] = [], lost = '1') =>
  draftIndicator({
    ind,
    weight: new D(10),
    score: new D(10).minus(lost),
    completion: completion === null ? null : new D(completion),
    reasons,
  });
const OVER = ['超出目标 30% 以上，须说明目标设定依据'];

describe('drafted 偏差原因分析及改进措施', () => {
  it('never states a guessed cause: an overshoot says what the numbers show and asks for the cause', () => {
    const d = draft(row('数量指标', '培训人次', '≥200人次', '320人次'), '1.6', OVER, '0');
    expect(d).toContain('实际完成值为年度指标值的160%');
    expect(d).toContain('具体原因尚未说明');
    expect(d).toContain('请补充原因');
    expect(d).not.toMatch(/偏保守|超出预期|目标设定方面/);
  });

  it('flags a satisfaction rate above 100% as a likely data error instead of explaining it', () => {
    const d = draft(row('服务对象满意度指标', '群众满意度', '≥90%', '135%'), '1.5', OVER, '0');
    expect(d).toContain('超过100%，比率不应超过100%，可能是数据填报错误，请核对');
    expect(d).toContain('改进措施：先核对群众满意度的统计口径和原始台账');
    expect(d).not.toMatch(/偏保守/);
  });

  it('flags an annual value far outside the quarterly trend', () => {
    const d = draft(
      row('数量指标', '化解数', '≥20个', '150个', { quarterly: ['4个', '9个', '13个', '18个'] }),
      '7.5',
      OVER,
      '0',
    );
    expect(d).toContain('全年实际值150与最近一个季度的累计值18相差很大，可能是数据填报错误');
  });

  it('writes no operator symbols or (≥**人) template remnants in prose', () => {
    const d = draft(row('数量指标', '★★★农村低保发放人数(按月平均)(≥**人)', '>=21933人', '≥20000人'), '0.91', [
      '未达到目标',
    ]);
    expect(d).toContain('农村低保发放人数(按月平均)年度指标值不低于21933人，实际完成不低于20000人');
    expect(d).not.toMatch(/[≥≤<>=*★]/);
  });

  it('words a deadline as a date', () => {
    const d = draft(row('时效指标', '资金拨付时间', '10月底前', '2025年11月20日'), '0', ['未在期限内完成'], '10');
    expect(d).toContain('年度指标值完成时限为10月31日');
    expect(d).toContain('未在完成时限内完成');
    expect(d).toContain('细化资金拨付时间的时间节点');
  });

  it('proposes measures that differ by kind of indicator, not one sentence for fifteen rows', () => {
    const rows = [
      row('数量指标', '培训人次', '≥200人次', '150人次'),
      row('数量指标', '走访户数', '≥500户', '420户'),
      row('数量指标', '宣传场次', '≥12场', '9场'),
      row('质量指标', '验收合格率', '100%', '95%'),
      row('质量指标', '案件办结率', '≥98%', '90%'),
      row('时效指标', '资金拨付及时率', '100%', '90%'),
      row('时效指标', '完工时间', '10月底前', '12月5日'),
      row('成本指标', '项目总成本', '≤90万元', '98万元'),
      row('成本指标', '人均补助', '≤1000元/人', '1100元/人'),
      row('社会效益指标', '受益人数', '≥1000人', '800人'),
      row('社会效益指标', '政策知晓率', '≥90%', '80%'),
      row('可持续影响指标', '设施使用年限', '≥20年', '15年'),
      row('服务对象满意度指标', '群众满意度', '≥95%', '88%'),
      row('服务对象满意度指标', '学生满意度', '≥95%', '90%'),
      row('服务对象满意度指标', '家长满意度', '≥95%', '91%'),
    ];
    const measures = rows.map((r) => draft(r, '0.8', ['未达到目标']).split('改进措施：')[1]);
    expect(new Set(measures).size).toBeGreaterThanOrEqual(12);
    // and the same kind and cause gets the same kind of measure, naming its own indicator
    expect(measures[0]).toContain('培训人次');
    expect(measures[12]).toContain('再次开展满意度调查');
  });

  it('keeps the unit’s own cause and measure, and the category it chose', () => {
    const d = draft(
      row('质量指标', '值班人员到位率', '100%', '98%', {
        causeCategory: '人员保障',
        causeText: '两名值班人员因病轮换',
      }),
      '0.98',
      ['未达到目标'],
    );
    expect(d).toContain('偏差原因：人员保障方面，两名值班人员因病轮换。');
    expect(d).toContain('改进措施：合理调配工作力量');
  });
});
