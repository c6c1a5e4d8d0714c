import ExcelJS from 'exceljs';
import { cellText, loadWorkbook } from './workbook-cells';
import {
  BudgetKey,
  DomainError,
  ImportResult,
  IndicatorRow,
  parseMoney,
  parseTarget,
  SHEET_KIND_NAME,
  TargetSheet,
  Warning,
} from '@selfeval/domain';

/**
 * selfeval's own Excel template: one worksheet per 绩效目标表, labels in column A, then the
 * indicator table. Export and import are inverse: import(export(sheets)) gives the same sheets.
 */
const BUDGET_ROWS: [BudgetKey, string][] = [
  ['total', '资金总额（万元）'],
  ['fiscal', '其中：财政拨款（万元）'],
  ['carryover', '上年结转（万元）'],
  ['other', '其他资金（万元）'],
  ['generalPublic', '一般公共预算（万元）'],
  ['governmentFund', '政府性基金（万元）'],
  ['specialAccount', '财政专户管理资金（万元）'],
  ['basic', '基本支出（万元）'],
  ['project', '项目支出（万元）'],
];
const HEADER = ['一级指标', '二级指标', '三级指标', '指标值', '指标值说明', '指标值确定依据', '绩效标准'];
const KIND_LABEL = SHEET_KIND_NAME;
const ATTR_PREFIX = '属性：';

export async function exportTemplateXlsx(sheets: TargetSheet[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'selfeval';
  const used = new Set<string>();
  for (const s of sheets) {
    const ws = wb.addWorksheet(worksheetName(s, used));
    const rows: (string | number | null)[][] = [
      ['绩效目标表'],
      ['类型', KIND_LABEL[s.kind]],
      ['年度', s.year],
      ['单位编码', s.unit.code],
      ['单位名称', s.unit.name],
      ['项目编码', s.project?.code ?? null],
      ['项目名称', s.project?.name ?? null],
      ...BUDGET_ROWS.map(([k, label]) => [label, s.budget[k] ?? null]),
      ['资金支出计划（月份）', ...s.spendingPlan.map((p) => p.month)],
      ['资金支出计划（%）', ...s.spendingPlan.map((p) => p.percent)],
      ['年度总体目标', s.goal],
      ...Object.entries(s.attributes).map(([k, v]) => [`${ATTR_PREFIX}${k}`, v]),
      [],
      HEADER,
      ...s.indicators.map((i) => [
        i.level1,
        i.level2,
        i.name,
        i.target.raw,
        i.description ?? null,
        i.basis ?? null,
        i.standard ?? null,
      ]),
    ];
    // Money and targets are written as text so Excel never turns 200.24 into a binary float.
    for (const r of rows) ws.addRow(r.map((v) => (v === null || v === undefined ? null : String(v))));
    ws.getColumn(1).width = 24;
    ws.getColumn(3).width = 40;
    ws.getColumn(4).width = 18;
    ws.getRow(1).font = { bold: true, size: 14 };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function importTemplateXlsx(bytes: Uint8Array, file: string): Promise<ImportResult> {
  const wb = await loadWorkbook(bytes, file);
  const sheets: TargetSheet[] = [];
  const warnings: Warning[] = [];
  wb.eachSheet((ws) => {
    const sheet = readWorksheet(ws, file);
    sheets.push(sheet);
    warnings.push(...sheet.warnings);
  });
  return { sheets, warnings };
}

function readWorksheet(ws: ExcelJS.Worksheet, file: string): TargetSheet {
  const fail = (cell: string, message: string): never => {
    throw new DomainError('SHEET_INVALID', `文件“${file}”工作表“${ws.name}”单元格 ${cell}：${message}`, {
      file,
      sheet: ws.name,
      cell,
    });
  };
  const text = (row: number, col: number): string => cellText(ws.getCell(row, col), fail);
  const labels = new Map<string, number>();
  let headerRow = 0;
  for (let r = 1; r <= ws.rowCount; r++) {
    const a = text(r, 1);
    if (a === HEADER[0]) {
      HEADER.forEach((h, i) => {
        if (text(r, i + 1) !== h) fail(ws.getCell(r, i + 1).address, `表头应为“${h}”`);
      });
      headerRow = r;
      break;
    }
    if (a) labels.set(a, r);
  }
  if (!headerRow) fail('A1', `没有找到指标表头（${HEADER.join(' | ')}）`);
  const value = (label: string) => {
    const row = labels.get(label);
    return row === undefined ? '' : text(row, 2);
  };
  const kindText = value('类型');
  const kind =
    kindText === KIND_LABEL.department
      ? 'department'
      : kindText === KIND_LABEL.project
        ? 'project'
        : fail(`B${labels.get('类型') ?? 2}`, '类型应为“部门整体支出”或“项目支出”');
  const yearText = value('年度');
  if (!/^\d{4}$/.test(yearText)) fail(`B${labels.get('年度') ?? 3}`, `年度“${yearText}”应为四位数字`);
  const unitName = value('单位名称') || fail(`B${labels.get('单位名称') ?? 5}`, '单位名称不能为空');

  const budget: TargetSheet['budget'] = {};
  for (const [k, label] of BUDGET_ROWS) {
    const raw = value(label);
    if (!raw) continue;
    const money = parseMoney(raw);
    budget[k] =
      money !== null && !money.startsWith('-') ? money : fail(`B${labels.get(label)}`, `${label}“${raw}”应为非负数`);
  }
  const spendingPlan: TargetSheet['spendingPlan'] = [];
  const monthsRow = labels.get('资金支出计划（月份）');
  const pctRow = labels.get('资金支出计划（%）');
  if (monthsRow && pctRow) {
    for (let c = 2; text(monthsRow, c); c++) {
      const month = Number(text(monthsRow, c));
      const percent = text(pctRow, c);
      if (!Number.isInteger(month) || month < 1 || month > 12) fail(ws.getCell(monthsRow, c).address, '月份应为 1–12');
      if (!/^\d+(\.\d+)?$/.test(percent) || Number(percent) > 100)
        fail(ws.getCell(pctRow, c).address, `支出进度“${percent}”应为 0–100`);
      spendingPlan.push({ month, percent });
    }
  }
  const attributes: Record<string, string> = {};
  for (const [label, r] of labels)
    if (label.startsWith(ATTR_PREFIX)) attributes[label.slice(ATTR_PREFIX.length)] = text(r, 2);

  const sheetLabel = value('项目名称') || `${unitName}部门整体`;
  const warnings: Warning[] = [];
  const indicators: IndicatorRow[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const cells = HEADER.map((_, i) => text(r, i + 1));
    if (cells.every((c) => c === '')) continue;
    const [level1, level2, name, rawTarget, description, basis, standard] = cells;
    if (!level1) fail(`A${r}`, '一级指标不能为空');
    if (!level2) fail(`B${r}`, '二级指标不能为空');
    if (!name) fail(`C${r}`, '三级指标不能为空');
    const parsed = parseTarget(rawTarget, { cost: level1 === '成本指标' || /成本/.test(level2), level2 });
    if (parsed.targets.length !== 1) fail(`D${r}`, `“${rawTarget}”含多个指标值，请拆成多行`);
    for (const w of parsed.warnings)
      warnings.push({ ...w, message: `“${name}”：${w.message}`, where: { sheet: sheetLabel, row: r, cell: `D${r}` } });
    const row: IndicatorRow = { level1, level2, name, target: parsed.targets[0] };
    if (description) row.description = description;
    if (basis) row.basis = basis;
    if (standard) row.standard = standard;
    indicators.push(row);
  }
  const code = value('单位编码');
  const project =
    kind === 'project'
      ? {
          project: {
            code: value('项目编码') || null,
            name: value('项目名称') || fail(`B${labels.get('项目名称') ?? 7}`, '项目名称不能为空'),
          },
        }
      : {};
  return {
    kind,
    year: Number(yearText),
    unit: { code: code || null, name: unitName },
    ...project,
    budget,
    spendingPlan,
    goal: value('年度总体目标') || null,
    attributes,
    indicators,
    warnings,
  };
}

/** Excel sheet names: ≤ 31 characters, none of []:*?/\ , unique in the workbook. */
function worksheetName(s: TargetSheet, used: Set<string>): string {
  const base = (s.project?.name ?? `${s.unit.name}部门整体`).replace(/[[\]:*?/\\]/g, '_').slice(0, 28) || '目标表';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base.slice(0, 26)}(${i})`;
  used.add(name);
  return name;
}
