import ExcelJS from 'exceljs';
import type { SelfEvalTableVM } from '../view-models/self-eval-table';

/**
 * The 自评表 as an Excel sheet in the official layout, for upload to the budget system: eight
 * columns (the indicator table's), merged cells where the form merges, money and scores as numbers
 * with 0.00, 执行率 as a percentage, print area set, A4 portrait fitted to one page wide, the
 * indicator header repeated on every printed page.
 */
const COLUMN_WIDTHS = [10, 12, 18, 12, 12, 8, 8, 36];
const FONT = { name: '宋体', size: 10.5 };
const HEAD_FONT = { name: '黑体', size: 10.5 };
const THIN = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const MONEY_FORMAT = '0.00';
const RATE_FORMAT = '0.00%';

type Align = 'left' | 'center' | 'right';

export async function buildSelfEvalXlsx(vm: SelfEvalTableVM): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = vm.unitName;
  wb.title = vm.title;
  const ws = wb.addWorksheet(vm.department ? '部门整体支出绩效自评表' : '项目支出绩效自评表', {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.55, right: 0.55, top: 0.7, bottom: 0.75, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C第 &P 页 共 &N 页' },
  });
  ws.columns = COLUMN_WIDTHS.map((width) => ({ width }));
  let row = 0;

  /** One cell (merged over columns from..to of the current row), bordered unless told otherwise. */
  const put = (
    from: number,
    to: number,
    value: string | number | null,
    opts: { head?: boolean; align?: Align; format?: string; border?: boolean; rows?: number; small?: boolean } = {},
  ) => {
    const last = row + (opts.rows ?? 1) - 1;
    if (to > from || last > row) ws.mergeCells(row, from, last, to);
    const c = ws.getCell(row, from);
    c.value = value === '' ? null : value;
    c.font = opts.head ? HEAD_FONT : opts.small ? { ...FONT, size: 9 } : FONT;
    c.alignment = { vertical: 'middle', horizontal: opts.align ?? (opts.head ? 'center' : 'left'), wrapText: true };
    if (opts.format) c.numFmt = opts.format;
    if (opts.head) c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    if (opts.border !== false)
      for (let r = row; r <= last; r++) for (let k = from; k <= to; k++) ws.getCell(r, k).border = BORDER;
  };
  /** a figure as a number with two decimals; '' stays empty and '—' stays a dash, as on the form */
  const amount = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  const percent = (v: string) => (/^-?\d+(\.\d+)?%$/.test(v) ? Number(v.slice(0, -1)) / 100 : v);
  const next = (height?: number) => {
    row++;
    if (height) ws.getRow(row).height = height;
  };

  next(30);
  put(1, 8, vm.title, { border: false, align: 'center' });
  ws.getCell(row, 1).font = { name: '黑体', size: 16 };
  next();
  put(1, 8, '单位：万元', { border: false, align: 'right' });

  if (vm.department) {
    next();
    put(1, 2, '部门（单位）名称', { head: true });
    put(3, 8, vm.unitName);
    next();
    put(1, 2, '主管部门', { head: true });
    put(3, 8, vm.parentName);
  } else {
    next();
    put(1, 2, '项目名称', { head: true });
    put(3, 8, vm.projectName);
    next();
    put(1, 2, '主管部门', { head: true });
    put(3, 4, vm.parentName);
    put(5, 5, '实施单位', { head: true });
    put(6, 8, vm.unitName);
    next();
    put(1, 2, '项目编码', { head: true });
    put(3, 8, vm.projectCode);
  }

  next();
  put(1, 2, vm.money.head, { head: true });
  ['年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'].forEach((t, i) =>
    put(3 + i, 3 + i, t, { head: true }),
  );
  for (const l of vm.money.lines) {
    if (l.caption) {
      next();
      put(1, 8, l.caption, { small: true });
    }
    next();
    put(1, 2, l.indent ? `\u3000\u3000${l.label}` : l.label);
    [l.initial, l.adjusted, l.spent, l.weight].forEach((v, i) =>
      put(3 + i, 3 + i, amount(v), { align: 'right', format: MONEY_FORMAT }),
    );
    put(7, 7, percent(l.rate), { align: 'right', format: RATE_FORMAT });
    put(8, 8, amount(l.score), { align: 'right', format: MONEY_FORMAT });
  }
  if (vm.money.note) {
    next(Math.max(30, Math.ceil(vm.money.note.length / 45) * 14));
    put(1, 2, '预算执行情况说明', { head: true });
    put(3, 8, vm.money.note, { small: true });
  }

  next();
  put(1, 2, '年度总体目标', { head: true });
  put(3, 5, '预期目标', { head: true });
  put(6, 8, '实际完成情况', { head: true });
  next(Math.max(30, Math.ceil(Math.max(vm.goal.length, vm.goalActual.length) / 24) * 14));
  put(1, 2, '总体目标', { align: 'center' });
  put(3, 5, vm.goal);
  put(6, 8, vm.goalActual);

  next();
  const indicatorHeader = row;
  ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'].forEach(
    (t, i) => put(1 + i, 1 + i, t, { head: true }),
  );
  for (const r of vm.rows) {
    const explanation = r.comment ? `${r.explanation}\n评审意见：${r.comment}`.trim() : r.explanation;
    next(Math.max(20, Math.ceil(explanation.length / 20) * 13));
    if (r.level1Span) put(1, 1, r.level1, { rows: r.level1Span, align: 'center' });
    if (r.level2Span) put(2, 2, r.level2, { rows: r.level2Span, align: 'center' });
    put(3, 3, r.name);
    put(4, 4, r.target, { align: 'center' });
    put(5, 5, r.actual, { align: 'center' });
    put(6, 6, amount(r.weight), { align: 'right', format: MONEY_FORMAT });
    put(7, 7, amount(r.score), { align: 'right', format: MONEY_FORMAT });
    put(8, 8, explanation, { small: true });
  }
  next();
  put(1, 5, '总分', { head: true });
  put(6, 6, amount(vm.points), { align: 'right', format: MONEY_FORMAT });
  put(7, 7, amount(vm.total), { align: 'right', format: MONEY_FORMAT });
  put(8, 8, `自评等级：${vm.grade}`);
  if (vm.reviewed) {
    next();
    put(1, 8, '注：得分栏含评审人复核后的得分。', { border: false, small: true });
  }
  next(24);
  const s = vm.signature;
  put(1, 3, `填报单位（盖章）：${s.unit}`, { border: false });
  put(4, 6, `单位负责人：${s.head}`, { border: false });
  put(7, 8, `填表人：${s.preparer}`, { border: false });
  next(24);
  put(1, 3, `联系电话：${s.phone}`, { border: false });
  put(4, 8, `填报日期：${s.date}`, { border: false });

  ws.pageSetup.printArea = `A1:H${row}`;
  ws.pageSetup.printTitlesRow = `${indicatorHeader}:${indicatorHeader}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
