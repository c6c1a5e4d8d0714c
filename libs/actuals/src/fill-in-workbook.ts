import ExcelJS from 'exceljs';
import { cellText, loadWorkbook, parseOffThread, registerOffThreadModule, runOffThread } from '@selfeval/targets';
import {
  CAUSE_CATEGORIES,
  DomainError,
  FUND_SOURCES,
  GRADES,
  LIKELIHOODS,
  PERIOD_NAME,
  Period,
  QuarterReportInput,
  Target,
} from '@selfeval/domain';

// the parse worker loads this module when it starts (see off-thread.ts)
registerOffThreadModule(__filename);

export interface FillInSheet {
  sheetId: string;
  unitName: string;
  sheetName: string;
  year: number;
  period: Period;
  budgetTotal: string;
  indicators: { id: string; level1: string; level2: string; name: string; target: Target }[];
  /** the report's data version at download (0 before the first save): an upload on top of a newer one is refused */
  dataVersion: number;
}

export interface FillInValues {
  spending: { source: string; amount: string }[];
  adjustments: { amount: string; reason: string }[];
  overspendExplanation: string | null;
  values: Map<
    string,
    {
      value: string | null;
      grade: string | null;
      likelihood: string | null;
      causeCategory: string | null;
      causeText: string | null;
    }
  >;
}

const META = '_meta';
const SHEET = '填报';

/** A cell as the user finds it in Excel: the worksheet, the row and the address. */
export function cellName(address: string): string {
  return `工作表“${SHEET}”第 ${address.replace(/^[A-Z]+/, '')} 行 ${address} 单元格`;
}
const FIRST_SPENDING_ROW = 7;
const ADJUSTMENT_ROWS = 3;
const HEADER = [
  '一级指标',
  '二级指标',
  '三级指标',
  '年度指标值',
  '当前累计值',
  '评价等级（定性）',
  '完成可能性',
  '原因类别',
  '原因说明',
];

function layout() {
  const adjustmentsStart = FIRST_SPENDING_ROW + FUND_SOURCES.length + 2;
  const overspendRow = adjustmentsStart + ADJUSTMENT_ROWS;
  const headerRow = overspendRow + 2;
  return { adjustmentsStart, overspendRow, headerRow, firstIndicatorRow: headerRow + 1 };
}

/**
 * The unit's fill-in workbook for one sheet and period: what was approved is locked, what the unit
 * reports is editable, choices are dropdowns. A hidden sheet carries the ids the upload needs.
 */
export async function buildFillInWorkbook(sheet: FillInSheet, current?: FillInValues): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'selfeval';
  const ws = wb.addWorksheet(SHEET);
  const L = layout();
  const unlocked = (cell: ExcelJS.Cell) => {
    cell.protection = { locked: false };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF8DC' } };
  };
  ws.getCell('A1').value = `${sheet.year} 年${PERIOD_NAME[sheet.period]}绩效运行监控填报（累计数）`;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = '单位';
  ws.getCell('B2').value = sheet.unitName;
  ws.getCell('A3').value = '绩效目标表';
  ws.getCell('B3').value = sheet.sheetName;
  ws.getCell('A4').value = '年度预算数（万元）';
  ws.getCell('B4').value = sheet.budgetTotal;
  ws.getCell(`A${FIRST_SPENDING_ROW - 1}`).value = '资金来源';
  ws.getCell(`B${FIRST_SPENDING_ROW - 1}`).value = '累计执行数（万元）';
  FUND_SOURCES.forEach((source, i) => {
    const r = FIRST_SPENDING_ROW + i;
    ws.getCell(`A${r}`).value = source;
    const c = ws.getCell(`B${r}`);
    c.value = current?.spending.find((s) => s.source === source)?.amount ?? null;
    c.numFmt = '@';
    unlocked(c);
  });
  ws.getCell(`A${L.adjustmentsStart - 1}`).value = '预算调整金额（万元，调减写负数）';
  ws.getCell(`B${L.adjustmentsStart - 1}`).value = '调整原因';
  for (let k = 0; k < ADJUSTMENT_ROWS; k++) {
    const r = L.adjustmentsStart + k;
    const a = current?.adjustments[k];
    ws.getCell(`A${r}`).value = a?.amount ?? null;
    ws.getCell(`B${r}`).value = a?.reason ?? null;
    unlocked(ws.getCell(`A${r}`));
    unlocked(ws.getCell(`B${r}`));
  }
  ws.getCell(`A${L.overspendRow}`).value = '超预算说明';
  ws.getCell(`B${L.overspendRow}`).value = current?.overspendExplanation ?? null;
  unlocked(ws.getCell(`B${L.overspendRow}`));

  ws.getRow(L.headerRow).values = HEADER;
  ws.getRow(L.headerRow).font = { bold: true };
  const list = (items: readonly string[]) => ({
    type: 'list' as const,
    allowBlank: true,
    formulae: [`"${items.join(',')}"`],
  });
  sheet.indicators.forEach((ind, i) => {
    const r = L.firstIndicatorRow + i;
    const v = current?.values.get(ind.id);
    ws.getRow(r).values = [
      ind.level1,
      ind.level2,
      ind.name,
      ind.target.raw,
      v?.value ?? null,
      v?.grade ?? null,
      v?.likelihood ?? null,
      v?.causeCategory ?? null,
      v?.causeText ?? null,
    ];
    for (const col of ['E', 'F', 'G', 'H', 'I']) unlocked(ws.getCell(`${col}${r}`));
    ws.getCell(`E${r}`).numFmt = '@';
    if (ind.target.kind === 'qualitative') ws.getCell(`F${r}`).dataValidation = list(GRADES);
    ws.getCell(`G${r}`).dataValidation = list(LIKELIHOODS);
    ws.getCell(`H${r}`).dataValidation = list(CAUSE_CATEGORIES);
  });
  ws.columns.forEach((c, i) => (c.width = [16, 16, 36, 16, 14, 26, 12, 14, 30][i] ?? 12));
  await ws.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true });

  const meta = wb.addWorksheet(META, { state: 'veryHidden' });
  meta.addRow(['sheetId', sheet.sheetId]);
  meta.addRow(['period', sheet.period]);
  meta.addRow(['dataVersion', sheet.dataVersion]);
  sheet.indicators.forEach((ind, i) => meta.addRow(['indicator', ind.id, L.firstIndicatorRow + i]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ReadWorkbook {
  sheetId: string;
  period: string;
  /** the version the workbook was downloaded at; undefined for a workbook made before versions were written */
  dataVersion?: number;
  input: QuarterReportInput;
  /** field of QuarterReportInput → cell address, to name cells in errors */
  cellOf: Map<string, string>;
}

/**
 * Reads an uploaded fill-in workbook, a large one on the parse worker thread (a 100,000-row file
 * is refused there without stalling other requests); problems of shape are errors naming the cell.
 */
export function readFillInWorkbook(bytes: Uint8Array, file: string): Promise<ReadWorkbook> {
  return parseOffThread(bytes)
    ? runOffThread<ReadWorkbook>(__filename, 'readFillInWorkbookHere', [bytes, file], file)
    : readFillInWorkbookHere(bytes, file);
}

/** The reading itself, on whatever thread calls it (the parse worker, through readFillInWorkbook). */
export async function readFillInWorkbookHere(bytes: Uint8Array, file: string): Promise<ReadWorkbook> {
  const wb = await loadWorkbook(bytes, file);
  const ws = wb.getWorksheet(SHEET);
  const meta = wb.getWorksheet(META);
  if (!ws || !meta)
    throw new DomainError(
      'VALIDATION_FAILED',
      `文件“${file}”不是 selfeval 下载的填报表（缺少“填报”工作表或隐藏的标识），请重新下载`,
      { file },
    );
  const refuse = (address: string, message: string): never => {
    throw new DomainError('VALIDATION_FAILED', `文件“${file}”${cellName(address)}：${message}`, {
      file,
      cell: address,
    });
  };
  const text = (address: string): string => cellText(ws.getCell(address), refuse);
  let sheetId = '';
  let period = '';
  let dataVersion: number | undefined;
  const rows: { id: string; row: number }[] = [];
  meta.eachRow((row) => {
    const [, key, a, b] = row.values as unknown[];
    if (key === 'sheetId') sheetId = String(a);
    if (key === 'period') period = String(a);
    if (key === 'dataVersion' && Number.isInteger(Number(a))) dataVersion = Number(a);
    if (key === 'indicator') rows.push({ id: String(a), row: Number(b) });
  });
  const L = layout();
  const cellOf = new Map<string, string>();
  const spending: QuarterReportInput['spending'] = [];
  FUND_SOURCES.forEach((source, i) => {
    const address = `B${FIRST_SPENDING_ROW + i}`;
    const amount = text(address);
    if (amount === '') return;
    cellOf.set(`spending[${spending.length}].amount`, address);
    spending.push({ source, amount });
  });
  const adjustments: NonNullable<QuarterReportInput['adjustments']> = [];
  for (let k = 0; k < ADJUSTMENT_ROWS; k++) {
    const r = L.adjustmentsStart + k;
    const amount = text(`A${r}`);
    const reason = text(`B${r}`);
    if (!amount && !reason) continue;
    cellOf.set(`adjustments[${adjustments.length}].amount`, `A${r}`);
    cellOf.set(`adjustments[${adjustments.length}].reason`, `B${r}`);
    adjustments.push({ amount, reason });
  }
  cellOf.set('overspendExplanation', `B${L.overspendRow}`);
  const values: QuarterReportInput['values'] = rows.map(({ id, row }, i) => {
    for (const [k, col] of [
      ['value', 'E'],
      ['grade', 'F'],
      ['likelihood', 'G'],
      ['causeCategory', 'H'],
      ['causeText', 'I'],
    ])
      cellOf.set(`values[${i}].${k}`, `${col}${row}`);
    // every column is on the sheet: an empty cell clears what was stored (a field left out would keep it)
    const opt = (col: string) => text(`${col}${row}`);
    return {
      indicatorId: id,
      value: opt('E'),
      grade: opt('F'),
      likelihood: opt('G'),
      causeCategory: opt('H'),
      causeText: opt('I'),
    };
  });
  return {
    sheetId,
    period,
    dataVersion,
    input: { spending, adjustments, overspendExplanation: text(`B${L.overspendRow}`), values },
    cellOf,
  };
}

/** Rewrites validation details of a workbook upload so each names its cell. */
export function withCells(error: DomainError, cellOf: Map<string, string>, file: string): DomainError {
  if (error.code !== 'VALIDATION_FAILED' || !error.details.length) return error;
  const details = error.details.map((d) => {
    const cell = cellOf.get(d.field);
    return { field: d.field, message: cell ? `${cellName(cell)}：${d.message}` : d.message, cell };
  });
  return new DomainError(
    'VALIDATION_FAILED',
    `文件“${file}”有 ${details.length} 处错误，未保存：${details[0].message}`,
    { file, cell: details[0].cell },
    details,
  );
}
