import { plannedPercent } from '../monitoring/plan';
import type { SpendingCheckpoint } from '../targets/interchange';
import { describeDate } from '../targets/dates';
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
  const name = plainName(ind.name);
  const lost = weight.minus(score);
  const overshoot = args.reasons.some((r) => r.startsWith('超出目标'));
  const category: CauseCategory | null = ind.causeCategory ?? (ind.notApplicable ? '触发条件未发生' : null);
  const parts: string[] = [];
  if (ind.notApplicable) {
    parts.push(`${name}年度指标值${targetWords(t)}，本年度触发条件未发生，该指标不适用，其分值按比例调整至同类指标。`);
  } else if (t.kind === 'qualitative') {
    parts.push(
      `${name}年度指标值“${t.raw}”，实际评价为“${ind.grade ?? ind.actual ?? ''}”，得${round2(score)}分，扣${round2(lost)}分。`,
    );
  } else {
    const rate =
      completion && t.kind === 'quantitative' ? `，完成率${show(completion.times(100).toDecimalPlaces(2))}%` : '';
    const deduction = lost.gt(0) ? `，扣${round2(lost)}分` : '';
    parts.push(
      `${name}年度指标值${targetWords(t)}，实际完成${plainOps(ind.actual?.trim() ?? '')}${rate}${deduction}。`,
    );
  }
  const trend = trendSentence(ind.quarterly);
  if (trend) parts.push(trend);
  const suspect = dataCheck(ind);
  if (suspect) parts.push(suspect);

  const causeText = ind.causeText?.trim();
  if (causeText) {
    parts.push(`偏差原因：${category === null || category === '其他' ? '' : `${category}方面，`}${causeText}。`);
  } else if (category) {
    parts.push(`偏差原因：属于${category}方面，（请补充具体情况）。`);
  } else if (suspect) {
    parts.push('偏差原因：数据核实前无法判断，（请核对数据后补充原因）。');
  } else {
    // the cause is unknown: say what the numbers show, never guess it
    parts.push(
      `偏差原因：${shownByNumbers(ind, completion, overshoot)}具体原因尚未说明，（请补充原因${hintFor(ind, overshoot)}）。`,
    );
  }
  const measure = ind.measure?.trim() || (category ? MEASURES[category] : measureFor(ind, overshoot, !!suspect));
  parts.push(`改进措施：${measure}。`);
  return parts.join('').replace(/。。/g, '。');
}

type Kind = '数量' | '质量' | '时效' | '成本' | '效益' | '满意度';

function kindOf(ind: Pick<ScoringIndicatorInput, 'level1' | 'level2'>): Kind {
  const l = `${ind.level1}${ind.level2}`;
  if (/满意/.test(l)) return '满意度';
  if (/成本/.test(l)) return '成本';
  if (/时效/.test(l)) return '时效';
  if (/质量/.test(l)) return '质量';
  if (/效益|效果|影响/.test(l)) return '效益';
  return '数量';
}

/** What to look into first, by indicator kind (a question, not a finding). */
function hintFor(ind: ScoringIndicatorInput, overshoot: boolean): string {
  const k = kindOf(ind);
  if (overshoot) {
    if (k === '成本') return '：是否追加了任务或单价上涨';
    return '：是工作量增加、政策调整，还是年初测算依据不足';
  }
  const hints: Record<Kind, string> = {
    数量: '：如任务未下达、对象减少、进度滞后',
    质量: '：如验收或检查中发现的具体问题',
    时效: '：如哪个环节、因何延误',
    成本: '：如单价、工程量或采购方式的变化',
    效益: '：如效益尚未显现或缺少佐证数据',
    满意度: '：如调查中不满意的具体事项',
  };
  return hints[k];
}

/** Measures when the cause is not yet known: by kind of indicator and direction of the deviation. */
function measureFor(ind: ScoringIndicatorInput, overshoot: boolean, suspect: boolean): string {
  const name = plainName(ind.name);
  if (suspect) return `先核对${name}的统计口径和原始台账，更正数据后再分析偏差`;
  const k = kindOf(ind);
  if (overshoot) {
    const over: Record<Kind, string> = {
      数量: `查明${name}超出目标的原因后，结合近三年实际完成情况测算下一年度指标值`,
      质量: `总结${name}超出目标的做法，查明原因后再确定下一年度指标值是否调整`,
      时效: `总结提前完成的做法并固化为工作流程`,
      成本: `说明超出部分的资金来源，确需增加的履行预算调整程序`,
      效益: `补充${name}的效益佐证数据，查明原因后再确定下一年度指标值`,
      满意度: `保存调查问卷和统计过程备查，查明原因后再确定下一年度指标值`,
    };
    return over[k];
  }
  const under: Record<Kind, string> = {
    数量: `按季度分解${name}任务，每季度末对照进度查找差距并及时调度`,
    质量: `对${name}未达标的事项逐项整改，完善验收和检查标准`,
    时效: `细化${name}的时间节点，按月督办，逾期环节明确责任人`,
    成本: `严格按预算执行，对${name}超支部分说明原因并履行调整程序`,
    效益: `加强${name}的跟踪评估，按季度收集效益数据`,
    满意度: `针对调查中不满意的事项逐项整改，整改后再次开展满意度调查`,
  };
  return under[k];
}

/** "高于目标 20%" etc.: the deviation in numbers, for a draft whose cause is not known. */
function shownByNumbers(ind: ScoringIndicatorInput, completion: Dec | null, overshoot: boolean): string {
  const t = ind.target;
  if (t.kind === 'date' || t.kind === 'period') return '未在完成时限内完成。';
  if (t.kind !== 'quantitative') return '实际评价低于年度目标。';
  const actual = ind.actual ? numberIn(ind.actual) : null;
  if ((t.op === '<=' || t.op === '<') && actual?.gt(t.value)) {
    const over = actual.minus(t.value);
    return `实际值${show(actual)}${t.unit ?? ''}超出上限${t.value}${t.unit ?? ''}，超出${show(over)}${t.unit ?? ''}。`;
  }
  if (!completion) return '实际完成值与年度指标值存在偏差。';
  const pct = show(completion.times(100).toDecimalPlaces(2));
  if (overshoot) return `实际完成值为年度指标值的${pct}%，超出较多。`;
  return `实际完成值为年度指标值的${pct}%，未达到目标。`;
}

/**
 * Numbers that are probably wrong rather than a real deviation: a rate above 100%, or an annual
 * value far from the last quarterly cumulative value.
 */
function dataCheck(ind: ScoringIndicatorInput): string | null {
  const t = ind.target;
  if (t.kind !== 'quantitative' || !ind.actual) return null;
  const actual = numberIn(ind.actual);
  if (actual === null) return null;
  const rate = t.unit === '%' || /%\s*$/.test(ind.actual);
  if (rate && actual.gt(100)) {
    return `实际值${show(actual)}%超过100%，比率不应超过100%，可能是数据填报错误，请核对。`;
  }
  const reported = (ind.quarterly ?? []).map((q) => (q ? numberIn(q) : null)).filter((q) => q !== null);
  const q = reported[reported.length - 1];
  if (q) {
    const base = D.max(q.abs(), actual.abs());
    if (!base.isZero() && actual.minus(q).abs().div(base).gt(0.5)) {
      return `全年实际值${show(actual)}与最近一个季度的累计值${show(q)}相差很大，可能是数据填报错误，请核对。`;
    }
  }
  return null;
}

function numberIn(text: string): Dec | null {
  const m = /-?\d+(?:\.\d+)?/.exec(text.replace(/,/g, ''));
  return m ? new D(m[0]) : null;
}

const OP_WORDS: Record<string, string> = { '>=': '不低于', '<=': '不高于', '>': '高于', '<': '低于', '=': '' };

/** The target in words: 不低于95%, 完成时限为10月31日, never an operator symbol. */
function targetWords(t: ScoringIndicatorInput['target']): string {
  if (t.kind === 'quantitative') return `${OP_WORDS[t.op]}${t.value}${t.unit ?? ''}`;
  if (t.kind === 'date') return `完成时限为${describeDate(t.value)}`;
  if (t.kind === 'period') return `实施期间为${t.value.split('/').map(describeDate).join('至')}`;
  return `“${t.raw}”`;
}

/** Operator symbols in text written by the unit (≥266米) turned into words. */
function plainOps(text: string): string {
  return text
    .replace(/>=|≥|≧/g, '不低于')
    .replace(/<=|≤|≦/g, '不高于')
    .replace(/>/g, '高于')
    .replace(/</g, '低于')
    .replace(/^=/, '');
}

/** An indicator name without template remnants: 农村低保发放人数(按月平均)(≥**人) → 农村低保发放人数(按月平均). */
function plainName(name: string): string {
  return plainOps(
    name
      .replace(/[（(][^（）()]*(?:\*\*|[≥≤<>=])[^（）()]*[）)]/g, '')
      .replace(/^★+/, '')
      .trim(),
  );
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
      : `偏差原因：（请补充资金未按计划支出的具体原因，如项目进度滞后、采购延期或资金下达较晚）。改进措施：${MEASURES['经费保障']}。`,
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
