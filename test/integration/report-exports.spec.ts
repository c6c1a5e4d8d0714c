import ExcelJS from 'exceljs';
import {
  buildDepartmentReportDocx,
  buildDepartmentReportVM,
  buildSelfEvalDocx,
  buildSelfEvalTableVM,
  buildSelfEvalXlsx,
  SelfEvalTableVM,
} from '@selfeval/reports';
import { DEPARTMENT_REPORT_SAMPLE, DEPARTMENT_SAMPLE, PROJECT_SAMPLE } from '../fixtures/reports/samples';
import { DocxBlock, DocxCell, readDocx } from '../helpers/docx';

type Table = Extract<DocxBlock, { kind: 'table' }>;
const tables = (blocks: DocxBlock[]) => blocks.filter((b): b is Table => b.kind === 'table');
const texts = (row: DocxCell[]) => row.map((c) => c.text);

/** The indicator table of a 自评表, with every row's values in the order of the form. */
function expectIndicatorTable(t: Table, vm: SelfEvalTableVM) {
  expect(texts(t.rows[0])).toEqual([
    '一级指标',
    '二级指标',
    '三级指标',
    '年度指标值',
    '实际完成值',
    '分值',
    '得分',
    '偏差原因分析及改进措施',
  ]);
  vm.rows.forEach((r, k) => {
    const row = t.rows[k + 1];
    // docx writes covered cells of a vertical merge as w:vMerge continue: 8 cells on every row
    expect(row).toHaveLength(8);
    expect(row[0]).toMatchObject(
      r.level1Span ? { text: r.level1, vMerge: r.level1Span > 1 ? 'restart' : null } : { text: '', vMerge: 'continue' },
    );
    expect(row[1]).toMatchObject(
      r.level2Span ? { text: r.level2, vMerge: r.level2Span > 1 ? 'restart' : null } : { text: '', vMerge: 'continue' },
    );
    expect(texts(row).slice(2, 7)).toEqual([r.name, r.target, r.actual, r.weight, r.score]);
    expect(row[7].text).toBe(r.comment ? `${r.explanation}\n评审意见：${r.comment}` : r.explanation);
  });
  const total = t.rows[vm.rows.length + 1];
  expect(total.map((c) => [c.text, c.span])).toEqual([
    ['总分', 5],
    ['100.00', 1],
    [vm.total, 1],
    [`自评等级：${vm.grade}`, 1],
  ]);
}

describe('Word copy of the 项目支出绩效自评表 (docx, read back from its XML)', () => {
  const vm = buildSelfEvalTableVM(PROJECT_SAMPLE);

  it('has the title once, real tables with merged cells and every value of the form', async () => {
    const { blocks, core, xml } = await readDocx(await buildSelfEvalDocx(vm));
    const paragraphs = blocks.filter((b) => b.kind === 'p').map((b) => (b as { text: string }).text);
    expect(paragraphs.filter((p) => p.includes('2026年度'))).toEqual(['2026年度项目支出绩效自评表']);
    expect(paragraphs).toContain('单位：万元');
    expect(core).toContain('<dc:title>2026年度项目支出绩效自评表</dc:title>');
    expect(core).toContain('<dc:creator>沅江市信访局</dc:creator>');
    const [info, money, goal, indicators, signature] = tables(blocks);
    expect(tables(blocks)).toHaveLength(5);
    expect(info.rows.map(texts)).toEqual([
      ['项目名称', '信访维稳专项工作经费'],
      ['主管部门', '沅江市人民政府', '实施单位', '沅江市信访局'],
      ['项目编码', '430981260000000012'],
    ]);
    expect(info.rows[0][1].span).toBe(3);
    expect(money.rows.map(texts)).toEqual([
      ['项目资金（万元）', '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'],
      ['年度资金总额', '60.00', '64.00', '58.60', '10.00', '91.56%', '9.16'],
      ['　　其中：当年财政拨款', '50.00', '54.00', '49.60', '—', '—', '—'],
      ['　　上年结转资金', '10.00', '10.00', '9.00', '—', '—', '—'],
      ['　　其他资金', '0.00', '0.00', '0.00', '—', '—', '—'],
    ]);
    expect(goal.rows[1].map((c) => c.text)).toEqual(['总体目标', vm.goal, vm.goalActual]);
    expectIndicatorTable(indicators, vm);
    // 产出指标 merged down its five rows, 数量指标 down its two
    expect(indicators.rows.slice(1, 6).map((r) => r[0].vMerge)).toEqual([
      'restart',
      'continue',
      'continue',
      'continue',
      'continue',
    ]);
    expect(indicators.rows.slice(1, 3).map((r) => r[1].vMerge)).toEqual(['restart', 'continue']);
    expect(indicators.rows[1][4].text).toBe('62人');
    expect(indicators.rows[1][3].text).toBe('≥70人');
    expect(indicators.rows[1][7].text).toContain('扣4.50分');
    expect(signature.rows.map(texts)).toEqual([
      ['填报单位（盖章）：沅江市信访局', '单位负责人：李明', '填表人：王芳'],
      ['联系电话：0737-2221234', '填报日期：2027年1月15日'],
    ]);
    // header rows repeat on every page, no row splits
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml).toContain('<w:cantSplit/>');
    expect(xml).not.toMatch(/national-2020|第 \d+ 版|⩾|⩽/);
  });
});

describe('Word copy of the 自评报告 (docx)', () => {
  const vm = buildDepartmentReportVM(DEPARTMENT_REPORT_SAMPLE);

  it('has every section as a Word heading, its facts, tables, chart figures and every 自评表 as an annex', async () => {
    const { blocks, xml } = await readDocx(await buildDepartmentReportDocx(vm));
    const headings = blocks
      .filter((b) => b.kind === 'p' && b.style === 'Heading1')
      .map((b) => (b as { text: string }).text);
    expect(headings).toEqual([
      ...vm.sections.map((s) => s.title),
      '附件1：2026年度部门整体支出绩效自评表',
      '附件2：2026年度项目支出绩效自评表（信访维稳专项工作经费）',
    ]);
    const paragraphs = blocks.filter((b) => b.kind === 'p').map((b) => (b as { text: string }).text);
    for (const s of vm.sections) for (const line of [...s.facts, ...s.own]) expect(paragraphs).toContain(line);
    const general = vm.sections.find((s) => s.id === 'general-budget')!;
    const all = tables(blocks);
    const money = all.find((t) => t.rows[0][0].text === '项目名称')!;
    expect(money.rows.map(texts)).toEqual([general.table!.head, ...general.table!.rows]);
    expect(money.rows.at(-1)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ text: '项目支出合计' }),
        expect.objectContaining({ text: '80.32' }),
      ]),
    );
    const charts = vm.sections.flatMap((s) => s.charts);
    for (const c of charts) {
      expect(paragraphs).toContain(c.caption);
      expect(all.some((t) => JSON.stringify(t.rows.map(texts)) === JSON.stringify([c.data.head, ...c.data.rows]))).toBe(
        true,
      );
    }
    // the two annexes: each with its indicator table, merged as in the PDF
    const indicatorTables = all.filter((t) => t.rows[0][0].text === '一级指标');
    expect(indicatorTables).toHaveLength(2);
    indicatorTables.forEach((t, k) => expectIndicatorTable(t, vm.annexes[k]));
    expect(xml).not.toMatch(/报告提纲|national-2020|hunan-2020/);
  });
});

describe('Excel copy of the 自评表 (xlsx, read back with exceljs)', () => {
  async function read(vm: SelfEvalTableVM) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await buildSelfEvalXlsx(vm)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const find = (text: string) => {
      let at: ExcelJS.Cell | undefined;
      ws.eachRow((row) => row.eachCell((c) => (at ??= c.value === text ? c : undefined)));
      if (!at) throw new Error(`cell ${text} not found`);
      return at;
    };
    return { wb, ws, find, merges: (ws.model as unknown as { merges: string[] }).merges };
  }

  it('lays the project form out with merged cells, numbers with formats, print area and A4 fit', async () => {
    const vm = buildSelfEvalTableVM(PROJECT_SAMPLE);
    const { wb, ws, find, merges } = await read(vm);
    expect(wb.title).toBe('2026年度项目支出绩效自评表');
    expect(ws.getCell('A1').value).toBe('2026年度项目支出绩效自评表');
    expect(merges).toContain('A1:H1');
    // money: numbers, two decimals; 执行率 a percentage; sub-rows "—" in the score columns
    const total = find('年度资金总额');
    const r = ws.getRow(Number(total.row));
    expect([3, 4, 5, 6, 7, 8].map((k) => r.getCell(k).value)).toEqual([60, 64, 58.6, 10, 0.9156, 9.16]);
    expect([3, 4, 5, 6, 8].map((k) => r.getCell(k).numFmt)).toEqual(['0.00', '0.00', '0.00', '0.00', '0.00']);
    expect(r.getCell(7).numFmt).toBe('0.00%');
    expect(merges).toContain(`A${total.row}:B${total.row}`);
    const fiscal = ws.getRow(Number(find('　　其中：当年财政拨款').row));
    expect([3, 4, 5, 6, 7, 8].map((k) => fiscal.getCell(k).value)).toEqual([50, 54, 49.6, '—', '—', '—']);
    // indicators: 一级指标 merged down its rows, 二级 within it, every value in place
    const header = Number(find('一级指标').row);
    vm.rows.forEach((row, k) => {
      const line = ws.getRow(header + 1 + k);
      if (row.level1Span > 1) expect(merges).toContain(`A${header + 1 + k}:A${header + k + row.level1Span}`);
      if (row.level2Span > 1) expect(merges).toContain(`B${header + 1 + k}:B${header + k + row.level2Span}`);
      if (row.level1Span) expect(line.getCell(1).value).toBe(row.level1);
      expect([3, 4, 5].map((c) => line.getCell(c).value)).toEqual([row.name, row.target, row.actual]);
      expect([6, 7].map((c) => line.getCell(c).value)).toEqual([Number(row.weight), Number(row.score)]);
      expect(line.getCell(7).numFmt).toBe('0.00');
      expect(String(line.getCell(8).value ?? '')).toContain(row.explanation);
    });
    expect(ws.getCell(`A${header + 1}`).value).toBe('产出指标');
    expect(merges).toContain(`A${header + 1}:A${header + 5}`);
    const totalRow = ws.getRow(header + vm.rows.length + 1);
    expect([1, 6, 7, 8].map((c) => totalRow.getCell(c).value)).toEqual(['总分', 100, 94.66, '自评等级：优']);
    expect(merges).toContain(`A${totalRow.number}:E${totalRow.number}`);
    expect(find('填报单位（盖章）：沅江市信访局')).toBeDefined();
    expect(find('填报日期：2027年1月15日')).toBeDefined();
    // print: A4 portrait, one page wide, the whole form and nothing else, header row repeated
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    });
    expect(ws.pageSetup.printArea).toBe(`A1:H${ws.rowCount}`);
    expect(ws.pageSetup.printTitlesRow).toBe(`${header}:${header}`);
    expect(ws.getCell(`A${header}`).border?.top?.style).toBe('thin');
  });

  it('prints the department form with every fund row and the 执行率 note', async () => {
    const vm = buildSelfEvalTableVM(DEPARTMENT_SAMPLE);
    const { ws, find, merges } = await read(vm);
    for (const label of ['一般公共预算', '政府性基金', '财政专户管理资金', '单位资金', '基本支出', '项目支出'])
      expect(find(`\u3000\u3000${label}`)).toBeDefined();
    const caption = find('按收入性质分：');
    expect(merges).toContain(`A${caption.row}:H${caption.row}`);
    const note = find('预算执行情况说明');
    expect(String(ws.getCell(Number(note.row), 3).value)).toContain('执行率 101.28%');
    expect(merges).toContain(`C${note.row}:H${note.row}`);
  });
});
