import { plannedPercent } from '../monitoring/plan';
import type { SpendingCheckpoint } from '../targets/interchange';
import { D, Dec, round2, show } from './decimal';
import type { CauseCategory, ScoringIndicatorInput } from './types';

/**
 * Drafted 偏差原因分析及改进措施 (domain.md §4.7): indicator → target vs actual and rate → cause →
 * effect → measure. Drafts are suggestions for the unit to edit; a human text is never replaced.
 */
const MEASURES: Record<CauseCategory, string> = {
  经费保障: '加强预算执行管理，按资金支出计划及时拨付和使用资金，由财务股牵头于下一年度一季度末前建立月度支出调度机制',
  制度保障: '完善相关工作制度和考核办法，由办公室牵头于下一年度上半年前修订完成并严格执行',
  人员保障: '合理调配工作力量，加强业务培训，由人事股负责于下一年度一季度内落实到岗',
  硬件条件保障: '加快设施设备配置和维护，由相关业务股室负责在下一年度上半年完成',
  目标设定: '结合近三年实际完成情况科学测算，合理设定下一年度指标值',
  政策或外部变化: '密切跟踪政策和外部形势变化，及时申请调整绩效目标',
  触发条件未发生: '下一年度设置指标时充分考虑触发条件的不确定性，必要时改用常态化工作指标',
  数据口径: '统一统计口径和数据来源，由业务股室于每季度末核对台账',
  其他: '针对具体问题制定整改措施，明确责任人和完成时限',
};
const QUARTERS = ['一季度', '二季度', '三季度', '四季度'];

export function draftIndicator(args: {
  ind: ScoringIndicatorInput;
  weight: Dec;
  score: Dec;
  completion: Dec | null;
  reasons: string[];
}): string {
  const { ind, weight, score, completion } = args;
  const t = ind.target;
  const lost = weight.minus(score);
  const overshoot = args.reasons.some((r) => r.startsWith('超出目标'));
  const category: CauseCategory =
    ind.causeCategory ?? (ind.notApplicable ? '触发条件未发生' : overshoot ? '目标设定' : '其他');
  const parts: string[] = [];
  if (ind.notApplicable) {
    parts.push(`${ind.name}年度指标值${t.raw}，本年度触发条件未发生，该指标不适用，其分值按比例调整至同类指标。`);
  } else if (t.kind === 'qualitative') {
    parts.push(
      `${ind.name}年度指标值“${t.raw}”，实际评价为“${ind.grade ?? ind.actual ?? ''}”，得${round2(score)}分，扣${round2(lost)}分。`,
    );
  } else {
    const rate = completion ? `，完成率${show(completion.times(100).toDecimalPlaces(2))}%` : '';
    const deduction = lost.gt(0) ? `，扣${round2(lost)}分` : '';
    parts.push(`${ind.name}年度指标值${t.raw}，实际完成${ind.actual?.trim() ?? ''}${rate}${deduction}。`);
  }
  const trend = trendSentence(ind.quarterly);
  if (trend) parts.push(trend);
  const cause =
    ind.causeText?.trim() ||
    (overshoot ? '年初目标设定偏保守，实际工作量超出预期' : `（请补充具体原因，类别：${category}）`);
  parts.push(`偏差原因：${category === '其他' && ind.causeText ? '' : `${category}方面，`}${cause}。`);
  parts.push(`改进措施：${ind.measure?.trim() || MEASURES[category]}。`);
  return parts.join('').replace(/。。/g, '。');
}

function trendSentence(quarterly: (string | null)[] | undefined): string | null {
  if (!quarterly?.some((q) => q)) return null;
  const shown = quarterly.map((q, i) => (q ? `${QUARTERS[i]}${q}` : null)).filter(Boolean);
  return `分季度累计完成情况：${shown.join('、')}。`;
}

export function draftExecution(args: {
  rate: Dec;
  weight: Dec;
  score: Dec;
  adjusted: Dec;
  spent: Dec;
  over: boolean;
  plan?: SpendingCheckpoint[];
  quarterly?: (string | null)[];
}): string {
  const { rate, weight, score, adjusted, spent, over } = args;
  const parts = [
    `全年预算数${adjusted.toFixed(2)}万元，全年执行数${spent.toFixed(2)}万元，预算执行率${show(rate.times(100).toDecimalPlaces(2))}%` +
      (weight.minus(score).gt(0) ? `，扣${round2(weight.minus(score))}分。` : '。'),
  ];
  const timing = timingSentence(adjusted, args.plan, args.quarterly);
  if (timing) parts.push(timing);
  parts.push(
    over
      ? '偏差原因：执行数超过预算数，（请说明超支原因及资金来源）。改进措施：严格按预算执行，确需追加的履行预算调整程序。'
      : `偏差原因：经费保障方面，（请补充资金未按计划支出的具体原因）。改进措施：${MEASURES['经费保障']}。`,
  );
  return parts.join('');
}

/** Spending timing against the sheet's own plan: 一季度实际 x%（计划 25%）… */
function timingSentence(
  adjusted: Dec,
  plan: SpendingCheckpoint[] | undefined,
  quarterly: (string | null)[] | undefined,
): string | null {
  if (!quarterly?.some((q) => q)) return null;
  const months = [3, 6, 9, 12];
  const parts = quarterly.map((q, i) => {
    if (!q) return null;
    const actual = new D(q).div(adjusted).times(100);
    const planned = plannedPercent(plan, months[i]);
    return `${QUARTERS[i]}末累计支出${show(actual.toDecimalPlaces(2))}%（计划${show(planned.toDecimalPlaces(2))}%）`;
  });
  return `资金支出进度：${parts.filter(Boolean).join('，')}。`;
}
