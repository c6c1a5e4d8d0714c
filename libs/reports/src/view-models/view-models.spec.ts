import { outlineForRegion, parseTarget, scoreSheet, ScoringIndicatorInput } from '@selfeval/domain';
import { bucketScoreChart, spendingProgressChart, Svg } from '../charts';
import { TemplateRegistry } from '../template-registry';
import { buildDepartmentReportVM, DepartmentReportSource, measureOf } from './department-report';
import { buildMonitoringTableVM } from './monitoring-table';
import { buildSelfEvalTableVM, conciseDraft, consistentExplanation, SelfEvalSource } from './self-eval-table';

const ind = (
  level1: string,
  level2: string,
  name: string,
  target: string,
  actual: string,
  explanation?: string,
): ScoringIndicatorInput & { explanation?: string } => ({
  level1,
  level2,
  name,
  target: parseTarget(target).targets[0],
  actual,
  explanation,
});

function source(
  kind: 'department' | 'project',
  name: string,
  spent: string,
  inds: ReturnType<typeof ind>[],
): SelfEvalSource {
  const score = scoreSheet({
    budget: { adjusted: '100', spent },
    executionExplanation: '年底集中支付',
    indicators: inds,
  });
  expect(score.errors).toEqual([]);
  return {
    kind,
    year: 2025,
    unitName: '某县信访局',
    parentName: '某县人民政府',
    projectName: name,
    projectCode: null,
    budget: { initial: '100', adjusted: '100', spent },
    goal: '维护稳定',
    goalActual: null,
    indicators: inds.map((i) => ({
      level1: i.level1,
      level2: i.level2,
      name: i.name,
      targetRaw: i.target.raw,
      actualRaw: i.actual ?? null,
      explanation: i.explanation ?? null,
    })),
    score,
  };
}

const DEPT = source('department', '某县信访局', '100', [
  ind('产出指标', '数量指标', '接访次数', '≥10次', '10'),
  ind('效益指标', '社会效益指标', '稳定率', '≥95%', '95%'),
  ind('满意度指标', '服务对象满意度指标', '满意度', '≥90%', '90%'),
]);
const PROJECT = source('project', '<i>维稳</i>专项', '80', [
  ind(
    '产出指标',
    '数量指标',
    '劝返人数',
    '≥10人',
    '8',
    '劝返人数年度指标值≥10人，实际完成8人。偏差原因：外出减少。改进措施：2026年3月前建立台账。',
  ),
  ind('效益指标', '社会效益指标', '稳定率', '≥95%', '95%'),
]);

function report(texts: Record<string, string> = {}): DepartmentReportSource {
  return {
    year: 2025,
    unitName: '某县信访局',
    parentName: '某县人民政府',
    outline: outlineForRegion(null),
    texts,
    departmentBudget: { total: '100', generalPublic: '100', basic: '60', project: '40' },
    spendingPlan: [
      { month: 6, percent: '50' },
      { month: 12, percent: '100' },
    ],
    quarterlySpent: ['20', '45', null, '100'],
    department: DEPT,
    projects: [PROJECT],
  };
}

describe('self-evaluation table view model', () => {
  it('prints every fund row of the form, with 分值, 执行率 and 得分 on 年度资金总额 only', () => {
    const vm = buildSelfEvalTableVM({
      ...PROJECT,
      moneyLines: [{ label: '其中：财政拨款', detail: true, initial: '100', adjusted: null, spent: '80' }],
    });
    expect(vm.title).toBe('2025年度项目支出绩效自评表');
    const dash = { weight: '—', rate: '—', score: '—' };
    expect(vm.money.lines).toEqual([
      {
        caption: '',
        label: '年度资金总额',
        indent: false,
        initial: '100.00',
        adjusted: '100.00',
        spent: '80.00',
        weight: '10.00',
        rate: '80.00%',
        score: '8.00',
      },
      // no adjustment during the year: 全年预算数 = 年初预算数; the other rows are 0 because 财政拨款 makes the total
      {
        caption: '',
        label: '其中：当年财政拨款',
        indent: true,
        initial: '100.00',
        adjusted: '100.00',
        spent: '80.00',
        ...dash,
      },
      { caption: '', label: '上年结转资金', indent: true, initial: '0.00', adjusted: '0.00', spent: '0.00', ...dash },
      { caption: '', label: '其他资金', indent: true, initial: '0.00', adjusted: '0.00', spent: '0.00', ...dash },
    ]);
    expect(vm.rows[0]).toMatchObject({ name: '劝返人数', weight: '50.00', score: '40.00' });
    expect(vm.department).toBe(false);
  });

  it('leaves a fund figure blank when the total does not determine it', () => {
    const vm = buildSelfEvalTableVM({
      ...PROJECT,
      budget: { initial: '100', adjusted: '120', spent: '80' },
      funds: { fiscal: { initial: '70', spent: '50' }, carryover: { initial: '30' } },
    });
    expect(vm.money.lines.slice(1).map((l) => [l.initial, l.adjusted, l.spent])).toEqual([
      ['70.00', '', '50.00'],
      ['30.00', '', ''], // two unknown 执行数 (30 between them): not guessed
      ['0.00', '', ''],
    ]);
  });

  it('prints a department form with both groups of fund rows under their captions', () => {
    const vm = buildSelfEvalTableVM({
      ...DEPT,
      moneyLines: [
        { label: '其中：一般公共预算', detail: true, initial: '100', adjusted: null, spent: null },
        { label: '按支出性质：基本支出', detail: true, initial: '60', adjusted: null, spent: null },
        { label: '项目支出', detail: true, initial: '40', adjusted: null, spent: null },
      ],
    });
    expect(vm.money.lines.map((l) => [l.caption, l.label, l.initial, l.adjusted, l.spent])).toEqual([
      ['', '年度资金总额', '100.00', '100.00', '100.00'],
      ['按收入性质分：', '一般公共预算', '100.00', '100.00', '100.00'],
      ['', '政府性基金', '0.00', '0.00', '0.00'],
      ['', '财政专户管理资金', '0.00', '0.00', '0.00'],
      ['', '单位资金', '0.00', '0.00', '0.00'],
      ['按支出性质分：', '基本支出', '60.00', '60.00', ''],
      ['', '项目支出', '40.00', '40.00', ''],
    ]);
  });

  it('merges 一级/二级指标 down their rows and cuts labels only between words', () => {
    const vm = buildSelfEvalTableVM(DEPT);
    expect(vm.rows.map((r) => [r.level1Span, r.level2Span])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    const two = buildSelfEvalTableVM(
      source('project', 'p', '100', [
        ind('产出指标', '数量指标', 'a', '≥10次', '10'),
        ind('产出指标', '数量指标', 'b', '≥10次', '10'),
        ind('产出指标', '质量指标', 'c', '≥90%', '90%'),
        ind('满意度指标', '服务对象满意度指标', 'd', '≥90%', '90%'),
      ]),
    );
    expect(two.rows.map((r) => [r.level1Span, r.level2Span])).toEqual([
      [3, 2],
      [0, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(two.rows[3].level2Parts).toEqual(['服务对象', '满意度', '指标']);
    expect(two.rows[0].level1Parts).toEqual(['产出', '指标']);
  });

  it('prints 实际完成值 with the unit of its target and ≥ ≤ as the form does', () => {
    const src = source('project', 'p', '100', [ind('产出指标', '数量指标', '劝返人数', '≥70人', '62')]);
    src.indicators[0].targetRaw = '⩾70人';
    const vm = buildSelfEvalTableVM(src);
    expect(vm.rows[0]).toMatchObject({ target: '≥70人', actual: '62人' });
  });

  it("restates 扣N分 after a reviewer's change and prints the reviewer's comment", () => {
    const vm = buildSelfEvalTableVM({
      ...PROJECT,
      reviewerScores: new Map([[0, '45']]),
      reviewerComments: new Map([[0, '台账齐全，酌情给分。']]),
    });
    expect(PROJECT.score.indicators[0].draft ?? PROJECT.indicators[0].explanation).not.toContain('扣5.00分');
    expect(consistentExplanation('完成率80%，扣10.00分。偏差原因：外出减少。', '50', '45')).toBe(
      '完成率80%，扣5.00分。偏差原因：外出减少。',
    );
    expect(consistentExplanation('完成率80%，扣10.00分。', '50', '50')).toBe('完成率80%。');
    expect(vm.rows[0]).toMatchObject({ score: '45.00', comment: '台账齐全，酌情给分。' });
    expect(vm.reviewed).toBe(true);
  });

  it('explains 执行率 above 100 % by the rule and carries no internal identifiers', () => {
    const over = source('project', 'p', '105', [ind('产出指标', '数量指标', 'a', '≥10次', '10')]);
    const vm = buildSelfEvalTableVM({ ...over, executionExplanation: '年底追加会议经费。' });
    expect(vm.money.rate).toBe('105.00%');
    expect(vm.money.note).toMatch(
      /^全年执行数超过全年预算数，执行率 105\.00%，按评分规则（.+）得 \d+\.\d{2} 分。年底追加会议经费。$/,
    );
    expect(JSON.stringify(vm)).not.toMatch(/national-2020|第 \d+ 版|profile/);
  });
});

describe('forms without an execution score and sheets not graded', () => {
  /** a source scored as the stored path scores it: the unit's 分值 (`totals: 'form'`) and the sheet's kind */
  function stored(kind: 'project' | 'department', name: string, inds: ReturnType<typeof ind>[]): SelfEvalSource {
    const src = source(
      kind,
      name,
      '50',
      inds.map((i) => ({ ...i, weight: undefined })),
    );
    const score = scoreSheet({ totals: 'form', kind, budget: { adjusted: '100', spent: '50' }, indicators: inds });
    return { ...src, score };
  }

  it('prints 分值 and 得分 of 预算执行率 as "—" and the form\'s own 分值 in the total row', () => {
    const weighed = (i: ReturnType<typeof ind>, weight: string) => ({ ...i, weight });
    const src = stored('project', 'p', [
      weighed(ind('产出指标', '数量指标', 'a', '≥10次', '10'), '40'),
      weighed(ind('效益指标', '社会效益指标', 'b', '≥95%', '95%'), '40'),
      weighed(ind('满意度指标', '服务对象满意度指标', 'c', '≥90%', '90%'), '20'),
    ]);
    expect(src.score.execution).toBeNull();
    const vm = buildSelfEvalTableVM(src);
    expect(vm.money).toMatchObject({ weight: '—', score: '—', rate: '50.00%', note: '' });
    expect(vm.money.lines[0]).toMatchObject({ weight: '—', rate: '50.00%', score: '—' });
    expect(vm).toMatchObject({ points: '100.00', total: '100.00', grade: '优', ungraded: null });
    // the department report does not count a form without an execution score as a deduction on it
    const r = buildDepartmentReportVM({ ...report(), projects: [src] });
    expect(r.sections.find((x) => x.id === 'problems')?.facts).toEqual([
      '各项绩效指标均已完成，预算全部执行，未发现扣分事项。',
    ]);
  });

  it('shows a department sheet without 效益 indicators as not graded, in the table and in the report', () => {
    const dept = stored('department', '某县信访局', [ind('产出指标', '数量指标', '接访次数', '≥10次', '10')]);
    expect(dept.score).toMatchObject({ gradable: false, total: null });
    const vm = buildSelfEvalTableVM(dept);
    expect(vm).toMatchObject({ total: '—', grade: '未评分：缺少效益指标，补充后评分', points: '100.00' });
    const r = buildDepartmentReportVM({ ...report(), department: dept });
    expect(r.sections.find((x) => x.id === 'performance')?.facts[0]).toBe(
      '部门整体支出绩效未评分：缺少效益指标，补充后评分；预算执行率 50.00%。',
    );
  });
});

describe('department report money', () => {
  it('says a department sheet published no money instead of printing 0.00 beside its projects', () => {
    const unpublished = {
      ...report(),
      departmentBudget: {},
      department: { ...DEPT, budget: { initial: '0', adjusted: '424', spent: '400' } },
    };
    const byId = Object.fromEntries(buildDepartmentReportVM(unpublished).sections.map((s) => [s.id, s]));
    expect(byId.profile.facts).toEqual(['2025年度部门整体支出绩效目标表未列年初预算，全年预算数 424.00 万元。']);
    expect(byId['general-budget'].facts).toEqual([
      '2025年度部门整体支出绩效目标表未列部门预算资金总额；下表为本部门各项目的预算与执行。',
      '全年预算数 424.00 万元，全年执行数 400.00 万元，预算执行率 94.34%。',
    ]);
  });
});

describe('department report view model', () => {
  it("follows the outline, binds facts to data and keeps the unit's words after them", () => {
    const vm = buildDepartmentReportVM(report({ profile: '内设两个股室。\n\n编制 8 人。' }));
    expect(vm.sections.map((s) => s.id)).toEqual([
      'profile',
      'general-budget',
      'fund-budget',
      'performance',
      'problems',
      'measures',
      'application',
      'other',
    ]);
    const byId = Object.fromEntries(vm.sections.map((s) => [s.id, s]));
    expect(byId.profile.own).toEqual(['内设两个股室。', '编制 8 人。']);
    expect(byId['general-budget'].facts[0]).toBe(
      '2025年度部门预算资金总额 100.00 万元，按收入性质分：一般公共预算 100.00 万元，政府性基金 0.00 万元，' +
        '财政专户管理资金 0.00 万元，单位资金 0.00 万元；按支出性质分：基本支出 60.00 万元，项目支出 40.00 万元。',
    );
    // 项目支出 40 in the text; the one scored project has 100: the table shows the projects as they are
    expect(byId['general-budget'].table?.rows).toEqual([
      ['<i>维稳</i>专项', '100.00', '100.00', '80.00', '80.00%'],
      ['项目支出合计', '100.00', '100.00', '80.00', '80.00%'],
    ]);
    expect(byId['fund-budget'].facts).toEqual(['2025年度本部门无政府性基金预算支出。']);
    expect(byId.performance.charts.map((c) => c.caption)).toEqual([
      '图1 部门整体支出分值与得分',
      '图2 部门整体支出累计执行率与资金支出计划',
    ]);
    expect(byId.performance.table?.rows[1]).toEqual([
      '<i>维稳</i>专项',
      '80.00%',
      vm.annexes[1].total,
      vm.annexes[1].grade,
    ]);
    // the project lost points on execution (80 %) and on one indicator
    expect(byId.problems.facts).toHaveLength(2);
    expect(byId.problems.facts[0]).toMatch(/^1\. <i>维稳<\/i>专项预算执行率 80\.00%，得分 8\.00（分值 10\.00）。/);
    expect(byId.problems.facts[1]).toContain('“劝返人数”：年度指标值 ≥10人，实际完成 8人，得分 40.00（分值 50.00）');
    expect(byId.measures.facts).toEqual(['1. 针对“劝返人数”：2026年3月前建立台账。']);
    expect(byId.application).toMatchObject({ facts: [], own: [], missing: true });
    expect(vm.annexes.map((a) => a.title)).toEqual(['2025年度部门整体支出绩效自评表', '2025年度项目支出绩效自评表']);
  });

  it('makes the 项目支出合计 agree with the 项目支出 of the text, unreported projects included', () => {
    const vm = buildDepartmentReportVM({
      ...report(),
      departmentBudget: { total: '300', generalPublic: '300', basic: '100', project: '200' },
      otherProjects: [{ name: '信息化建设', budget: { initial: '60', adjusted: '60', spent: '50' } }],
    });
    const general = vm.sections.find((s) => s.id === 'general-budget')!;
    expect(general.facts[0]).toContain('项目支出 200.00 万元');
    expect(general.table?.rows).toEqual([
      ['<i>维稳</i>专项', '100.00', '100.00', '80.00', '80.00%'],
      ['信息化建设（未单独自评）', '60.00', '60.00', '50.00', '83.33%'],
      ['其他项目支出（未列入项目绩效目标表）', '40.00', '', '', ''],
      ['项目支出合计', '200.00', '160.00', '130.00', '81.25%'],
    ]);
  });

  it("writes 部门基本情况 from the unit's profile, and flags it when the profile is empty", () => {
    const withProfile = buildDepartmentReportVM({
      ...report(),
      unitProfile: { functions: '受理信访事项。', organization: '内设 2 个股室。', staff: '编制 8 人。' },
    });
    const profile = withProfile.sections.find((s) => s.id === 'profile')!;
    expect(profile.facts.slice(0, 3)).toEqual([
      '（一）部门职能：受理信访事项。',
      '（二）机构设置：内设 2 个股室。',
      '（三）人员情况：编制 8 人。',
    ]);
    expect(profile.missing).toBe(false);
    expect(profile.facts.join('')).not.toContain('目标表');
    const empty = buildDepartmentReportVM(report()).sections.find((s) => s.id === 'profile')!;
    expect(empty.missing).toBe(true);
    // says what to fill and where, not only that something is missing
    expect(empty.missingText).toContain('“单位概况”页填写主要职能、机构设置和人员情况');
    expect(buildDepartmentReportVM(report()).sections.find((s) => s.id === 'other')!.missingText).toBe(
      '（单位未填写本节内容）',
    );
  });

  it('says so when nothing lost points', () => {
    const vm = buildDepartmentReportVM({ ...report(), projects: [] });
    expect(vm.sections.find((s) => s.id === 'problems')!.facts).toEqual([
      '各项绩效指标均已完成，预算全部执行，未发现扣分事项。',
    ]);
    expect(vm.sections.find((s) => s.id === 'measures')!.missing).toBe(true);
  });

  it('finds the 改进措施 part of an explanation', () => {
    expect(measureOf('偏差原因：人员不足。改进措施：增配 2 人。')).toBe('增配 2 人。');
    expect(measureOf('没有措施')).toBeNull();
  });
});

describe('monitoring table view model', () => {
  it('names lights in words and counts them', () => {
    const vm = buildMonitoringTableVM({
      year: 2025,
      period: 'Q2',
      unitName: '某县信访局',
      sheetName: '维稳专项',
      department: false,
      projectCode: null,
      status: 'submitted',
      budget: { adjusted: '60', spent: '12.5' },
      spending: { light: 'red', executionRate: '20.833333', expected: '50', progress: '41.666667' },
      overspendExplanation: null,
      indicators: [
        {
          level1: '产出指标',
          level2: '数量指标',
          name: 'a',
          targetRaw: '≥10次',
          current: '2',
          progress: '40',
          light: 'red',
          likelihood: '有可能',
          cause: '经费保障：拨付滞后',
        },
        {
          level1: '产出指标',
          level2: '数量指标',
          name: 'b',
          targetRaw: '≥10次',
          current: null,
          progress: null,
          light: 'none',
          likelihood: null,
          cause: null,
        },
      ],
    });
    expect(vm.periodLabel).toBe('二季度（1—6月）');
    expect(vm.money).toMatchObject({
      rate: '20.83%',
      expected: '50.00%',
      progress: '41.67%',
      light: '红灯',
      lightClass: 'light-red',
    });
    expect(vm.rows.map((r) => [r.progress, r.light])).toEqual([
      ['40.00%', '红灯'],
      ['—', '未填报'],
    ]);
    expect(vm.counts).toBe('红灯 1 项，未填报 1 项');
  });
});

describe('charts and templates', () => {
  it('draws SVG with the exact decimal labels, escaped text and no outlined text', () => {
    const svg = bucketScoreChart([{ label: '产<出>', points: '50.00', score: '48.75' }]).markup;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('48.75');
    expect(svg).toContain('产&lt;出&gt;');
    expect(svg).not.toMatch(/<text[^>]*stroke=/);
    expect(spendingProgressChart([{ label: '一季度', plan: '25', actual: '20.00' }]).markup).not.toMatch(
      /<text[^>]*stroke=/,
    );
  });

  it('escapes every user text in the HTML and inserts only charts unescaped', () => {
    const html = new TemplateRegistry().render(
      'department-report',
      buildDepartmentReportVM(report({ other: '<script>alert(1)</script>' })),
    );
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;i&gt;维稳&lt;/i&gt;专项');
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('refuses to insert anything but a chart through the svg helper', () => {
    const vm = buildDepartmentReportVM(report());
    const forged = {
      ...vm,
      sections: vm.sections.map((s) => ({
        ...s,
        charts: s.charts.map((c) => ({ ...c, svg: { markup: '<img src=x>' } as unknown as Svg })),
      })),
    };
    expect(() => new TemplateRegistry().render('department-report', forged)).toThrow('charts made by charts.ts only');
  });
});

describe('drafted explanations on the form', () => {
  it('leave out what the row already shows and the quarterly trend, and keep the unit own words whole', () => {
    const draft =
      '维护社会和谐稳定年度指标值100%，实际完成87.1%，完成率87.1%，扣1.93分。分季度累计完成情况：一季度87.1%、二季度87.1%。偏差原因：经费保障方面，资金年底到位。改进措施：按计划拨付。';
    expect(conciseDraft(draft, '维护社会和谐稳定')).toBe(
      '完成率87.1%，扣1.93分。偏差原因：经费保障方面，资金年底到位。改进措施：按计划拨付。',
    );
    const vm = buildSelfEvalTableVM(PROJECT);
    expect(vm.rows[0].explanation).toBe(PROJECT.indicators[0].explanation); // human text: untouched
  });
});

/** Text boxes of an ECharts SSR SVG (centre from translate + x/y offsets; width estimated from the font size). */
function textBoxes(svg: string) {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, text]) => {
    const num = (name: string) => Number(new RegExp(`\\s${name}="([-\\d.]+)"`).exec(attrs)?.[1] ?? 0);
    const [tx, ty] = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(attrs)!.slice(1).map(Number);
    const size = Number(/font-size:(\d+)px/.exec(attrs)![1]);
    const width = [...text].reduce((w, ch) => w + (/[\x20-\x7e]/.test(ch) ? size * 0.6 : size), 0);
    const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1];
    const x = tx + num('x');
    const left = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
    const cy = ty + num('y');
    return {
      text,
      left,
      right: left + width,
      top: cy - size / 2,
      bottom: cy + size / 2,
      fill: /fill="([^"]+)"/.exec(attrs)?.[1],
    };
  });
}
type Box = ReturnType<typeof textBoxes>[number];
const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe('chart labels', () => {
  it('分值/得分 values never touch the legend or each other', () => {
    const svg = bucketScoreChart([
      { label: '预算执行率', points: '10.00', score: '9.50' },
      { label: '产出', points: '50.00', score: '50.00' },
      { label: '效益', points: '30.00', score: '28.00' },
      { label: '满意度', points: '10.00', score: '10.00' },
    ]).markup;
    const boxes = textBoxes(svg);
    const legend = boxes.filter((b) => b.text === '分值' || b.text === '得分');
    const values = boxes.filter((b) => /^\d+\.\d{2}$/.test(b.text));
    expect(legend).toHaveLength(2);
    expect(values).toHaveLength(8);
    for (const v of values) for (const l of legend) expect(overlap(v, l)).toBe(false);
    for (const [i, a] of values.entries()) for (const b of values.slice(i + 1)) expect(overlap(a, b)).toBe(false);
  });

  it.each([
    [
      ['25', '50', '75', '100'],
      ['22.85', '48.12', '76.10', '101.28'],
    ],
    [
      ['10', '20', '30', '100'],
      ['60.00', '70.00', '80.00', '95.00'],
    ],
    [
      ['4', '6', '8', '100'],
      ['60.00', '70.00', '80.00', '95.00'],
    ],
    [
      ['50', '80', '90', '100'],
      ['10.00', '30.00', '85.00', '99.00'],
    ],
    [
      ['25', '50', '75', '100'],
      ['3.00', '8.00', null, '100.00'],
    ],
  ])('执行率 values never lie on the plan line or the legend (plan %j, actual %j)', (plan, actual) => {
    const labels = ['一季度', '二季度', '三季度', '四季度'];
    const svg = spendingProgressChart(labels.map((label, i) => ({ label, plan: plan[i], actual: actual[i] }))).markup;
    const boxes = textBoxes(svg);
    const values = boxes.filter((b) => /%$/.test(b.text) && /\./.test(b.text));
    expect(values).toHaveLength(actual.filter((a) => a !== null).length);
    const legend = boxes.filter((b) => b.text === '计划进度' || b.text === '实际执行率');
    // the plan line: the dashed path drawn in the plot (the legend's sample line has a transform)
    const d = /<path d="(M[^"]+)"(?![^>]*transform)[^>]*stroke-dasharray/.exec(svg)![1];
    const pts = [...d.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const lineY = (x: number) => {
      for (let k = 1; k < pts.length; k++) {
        const [x0, y0] = pts[k - 1];
        const [x1, y1] = pts[k];
        if (x >= x0 && x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0 || 1);
      }
      return null;
    };
    for (const v of values) {
      for (const l of legend) expect(overlap(v, l)).toBe(false);
      for (const x of [v.left, (v.left + v.right) / 2, v.right]) {
        const y = lineY(x);
        if (y !== null)
          expect({ label: v.text, crossed: y > v.top - 1 && y < v.bottom + 1 }).toEqual({
            label: v.text,
            crossed: false,
          });
      }
    }
  });
});
