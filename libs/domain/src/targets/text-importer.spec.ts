import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportResult, TargetSheet } from './interchange';
import { importTextDocument } from './text-importer';

const SEEDS = path.join(__dirname, '../../../../demo/seeds');
const EXPECTED = path.join(__dirname, '../../../../test/fixtures/expected');
const seed = (prefix: string): ImportResult => {
  const file = fs.readdirSync(SEEDS).find((f) => f.startsWith(prefix))!;
  return importTextDocument(fs.readFileSync(path.join(SEEDS, file), 'utf8'), file);
};

/** One line per indicator: what a reviewer checks against the published table. */
function rows(sheet: TargetSheet): string[] {
  return sheet.indicators.map((i) => {
    const t = i.target;
    const target = t.kind === 'quantitative' ? `${t.op} ${t.value} ${t.unit ?? '-'}` : `定性 ${t.text}`;
    return `${i.level1} | ${i.level2} | ${i.name} | ${target}`;
  });
}

const codes = (r: ImportResult) => r.warnings.map((w) => w.code);

describe.each(['000', '001', '002', '003', '004'])('seed %s', (prefix) => {
  it('imports every indicator row exactly once, as in the hand-checked expectation', () => {
    const r = seed(prefix);
    const actual = r.sheets.map((s) => ({
      kind: s.kind,
      name: s.project?.name ?? s.unit.name,
      year: s.year,
      budget: s.budget,
      rows: rows(s),
    }));
    const expectedFile = path.join(EXPECTED, `${prefix}.json`);
    if (process.env.UPDATE_EXPECTED === '1') fs.writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
    expect(actual).toEqual(JSON.parse(fs.readFileSync(expectedFile, 'utf8')));
  });

  it('gives every warning a code, a Chinese message and a sheet', () => {
    for (const w of seed(prefix).warnings) {
      expect(w.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(w.where?.sheet).toBeTruthy();
    }
  });
});

describe('seed 000 沅江 (Hunan, one cell per line)', () => {
  const r = seed('000');
  it('reads the department table and its money split', () => {
    const [dept, project] = r.sheets;
    expect(dept).toMatchObject({ kind: 'department', year: 2024, unit: { name: '沅江市信访局' } });
    expect(dept.budget).toEqual({ total: '200.24', generalPublic: '200.24', basic: '119.92', project: '80.32' });
    expect(dept.indicators).toHaveLength(13);
    expect(dept.indicators[3]).toMatchObject({
      level2: '成本指标',
      name: '严格控制支出',
      target: { raw: '资金使用≦200.24万元', op: '<=', value: '200.24', unit: '万元' },
    });
    expect(dept.indicators[0].target).toMatchObject({ op: '<=', value: '0' });
    expect(project).toMatchObject({ kind: 'project', project: { name: '信访维稳' }, budget: { total: '80.32' } });
    expect(project.indicators[0].standard).toBe('不发生重大政治事件、群体性赴省进京上访事件。');
  });
  it('flags the cost target of 100 above the 80.32 project budget', () => {
    expect(r.warnings.find((w) => w.code === 'COST_EXCEEDS_BUDGET')?.where?.sheet).toBe('信访维稳');
  });
});

describe('seed 001 魏县 (Hebei, prose department goal)', () => {
  const r = seed('001');
  it('keeps the prose goal as a department sheet and infers the year from the project codes', () => {
    expect(r.sheets[0]).toMatchObject({ kind: 'department', year: 2025, indicators: [] });
    expect(r.sheets[0].goal).toMatch(/^我单位在县委的坚强领导下/);
    expect(codes(r)).toEqual(expect.arrayContaining(['DEPARTMENT_WITHOUT_INDICATORS', 'YEAR_FROM_PROJECT_CODE']));
    expect(r.sheets.slice(1).map((s) => s.project?.code)).toEqual([
      '13043425P000001100396',
      '13043425P00000110050D',
      '13043425P000001100415',
      '13043425P004292100016',
      '13043425P00429210002R',
    ]);
    expect(r.sheets[1]).toMatchObject({
      unit: { code: '202001', name: '魏县信访局本级' },
      budget: { total: '34.00', fiscal: '34.00' },
    });
    expect(r.sheets[1].spendingPlan).toEqual([{ month: 12, percent: '100' }]);
    expect(r.sheets[1].indicators[0]).toMatchObject({
      description: '涉及信访案件单位覆盖率',
      basis: expect.stringContaining('冀明信字108'),
    });
  });
});

describe('seed 002 固原 (Ningxia, shifted labels)', () => {
  const r = seed('002');
  it('reads four projects with their money and the shifted 社会效益 rows', () => {
    expect(r.sheets.map((s) => [s.project?.name, s.budget.total, s.year])).toEqual([
      ['维稳经费', '2.00', 2021],
      ['信访宣传', '1.00', 2021],
      ['信访工作督查经费', '2.50', 2021],
      ['信访专网维护经费', '0.50', 2021],
    ]);
    expect(r.sheets[0].unit.name).toBe('固原市信访局');
    expect(r.sheets[0].indicators.find((i) => i.name.startsWith('确保全国'))).toMatchObject({
      level1: '效益指标',
      level2: '社会效益指标',
    });
    expect(codes(r)).toEqual(
      expect.arrayContaining([
        'LABEL_SHIFTED',
        'COMPOUND_TARGET_SPLIT',
        'NOT_A_TARGET',
        'LEVEL2_INFERRED',
        'EMPTY_ROW_SKIPPED',
      ]),
    );
  });
  it('splits the compound target into two indicators', () => {
    const names = r.sheets[1].indicators.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['制作宣传展板', '印制宣传折页']));
  });
  it('reads the unlabelled cost rows as ≤ 万元', () => {
    expect(r.sheets[1].indicators.find((i) => i.name === '印制宣传资料费用')).toMatchObject({
      level2: '成本指标',
      target: { op: '<=', value: '1', unit: '万元' },
    });
  });
});

describe('seed 003 馆陶 (Hebei, 部门预算 tables and prose indicators)', () => {
  const r = seed('003');
  it('takes the department money from 部门预算支出总表 and indicators from the prose', () => {
    const dept = r.sheets[0];
    expect(dept).toMatchObject({ kind: 'department', year: 2024, unit: { code: '501', name: '馆陶县信访局' } });
    expect(dept.budget).toEqual({ total: '654.24', basic: '199.84', project: '454.40' });
    expect(dept.indicators).toHaveLength(7);
    expect(dept.indicators[5]).toMatchObject({
      name: '做好县级领导驻京信访维稳工作',
      target: { op: '=', value: '9', unit: '人' },
    });
  });
  it('reads the 25/50/75/100 spending plan and warns on 72.4 万元 cost above the 40 万元 budget', () => {
    const p = r.sheets.find((s) => s.project?.name === '信访维稳工作经费')!;
    expect(p.spendingPlan).toEqual([
      { month: 3, percent: '25' },
      { month: 6, percent: '50' },
      { month: 10, percent: '75' },
      { month: 12, percent: '100' },
    ]);
    expect(p.warnings.map((w) => w.code)).toContain('COST_EXCEEDS_BUDGET');
    expect(p.warnings.find((w) => w.code === 'COST_EXCEEDS_BUDGET')!.message).toContain('72.4万元');
  });
  it('finds the seven project budgets summing to 项目支出 454.40 (no PROJECTS_NOT_SUMMING)', () => {
    expect(r.sheets.filter((s) => s.kind === 'project')).toHaveLength(7);
    expect(codes(r)).not.toContain('PROJECTS_NOT_SUMMING');
  });
});

describe('seed 004 渌口 (Hunan 2026, op/value/unit in three columns)', () => {
  const r = seed('004');
  it('reads the budget matrix and the three-column targets', () => {
    const [dept, p1, p2] = r.sheets;
    expect(dept.budget).toEqual({ total: '259.05', generalPublic: '259.05', basic: '139.05', project: '120.00' });
    expect(dept.indicators[0]).toMatchObject({
      name: '区领导坐班接访',
      target: { op: '>=', value: '264', unit: '天' },
    });
    expect(dept.indicators.find((i) => i.name === '调解协议率')!.target).toMatchObject({
      kind: 'qualitative',
      text: '高于市平均值',
    });
    expect(dept.indicators.find((i) => i.name === '各项工作按计划完成')).toMatchObject({
      level1: '产出指标',
      level2: '时效指标',
    });
    expect([p1.budget.total, p2.budget.total]).toEqual(['60.00', '60.00']);
    expect(p1.indicators.at(-1)).toMatchObject({
      level1: '成本指标',
      level2: '经济成本指标',
      target: { op: '<=', value: '60', unit: '万元' },
    });
    expect(codes(r)).not.toContain('PROJECTS_NOT_SUMMING');
  });
});

describe('importTextDocument — project budgets that do not add up', () => {
  it('warns when project totals differ from the department 项目支出', () => {
    const text = [
      '2024年部门整体支出绩效目标表',
      '部门名称\t某局\t\t',
      '资金总额\t10\t项目支出\t5',
      '一级指标\t二级指标\t三级指标\t指标值',
      '产出指标\t数量指标\t次数\t≥1次',
      '2024年项目支出绩效目标表',
      '项目名称\t甲\t项目金额\t3',
      '一级指标\t二级指标\t三级指标\t指标值',
      '产出指标\t数量指标\t次数\t≥1次',
    ].join('\n');
    const r = importTextDocument(text);
    expect(r.sheets.map((s) => s.kind)).toEqual(['department', 'project']);
    expect(r.warnings.find((w) => w.code === 'PROJECTS_NOT_SUMMING')?.message).toBe(
      '1 个项目资金合计 3.00 万元，与部门项目支出 5.00 万元不一致',
    );
  });

  it('returns no sheets for a document without any 绩效目标表', () => {
    expect(importTextDocument('随便一段文字\n没有表格').sheets).toEqual([]);
  });
});
