import * as fs from 'node:fs';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { DomainError, importTextDocument, TargetSheet } from '@selfeval/domain';
import { exportTemplateXlsx, importTemplateXlsx } from './xlsx-template';

const SEEDS = path.join(__dirname, '../../../../demo/seeds');
const withoutWarnings = (sheets: TargetSheet[]) => sheets.map(({ warnings: _w, ...s }) => s);

async function errorOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
}

async function mutate(bytes: Buffer, edit: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  edit(wb.worksheets[0]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('selfeval xlsx template', () => {
  it.each(fs.readdirSync(SEEDS))('round-trips %s losslessly', async (file) => {
    const original = importTextDocument(fs.readFileSync(path.join(SEEDS, file), 'utf8'));
    const xlsx = await exportTemplateXlsx(original.sheets);
    const back = await importTemplateXlsx(xlsx, 'export.xlsx');
    expect(withoutWarnings(back.sheets)).toEqual(withoutWarnings(original.sheets));
  });

  it('names the cell of a bad year, a bad money value and a formula', async () => {
    const sheets = importTextDocument(fs.readFileSync(path.join(SEEDS, fs.readdirSync(SEEDS)[4]), 'utf8')).sheets;
    const good = await exportTemplateXlsx(sheets);

    const badYear = await errorOf(
      importTemplateXlsx(await mutate(good, (ws) => (ws.getCell('B3').value = '二〇二六')), 'y.xlsx'),
    );
    expect(badYear.userMessage).toBe(
      '文件“y.xlsx”工作表“株洲市渌口区信访局部门整体”单元格 B3：年度“二〇二六”应为四位数字',
    );

    const badMoney = await errorOf(
      importTemplateXlsx(await mutate(good, (ws) => (ws.getCell('B8').value = '-5')), 'm.xlsx'),
    );
    expect(badMoney.userMessage).toContain('单元格 B8：资金总额（万元）“-5”应为非负数');

    const formula = await errorOf(
      importTemplateXlsx(
        await mutate(
          good,
          (ws) =>
            (ws.getCell('D30').value = {
              formula: 'HYPERLINK("http://x","y")',
              result: 'y',
            } as ExcelJS.CellFormulaValue),
        ),
        'f.xlsx',
      ),
    );
    expect(formula.userMessage).toContain('不接受公式');
  });

  it('refuses a workbook with wrong columns or a broken file', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('乱表');
    ws.addRow(['类型', '项目支出']);
    ws.addRow(['一级指标', '三级指标', '二级指标']);
    const wrong = await errorOf(importTemplateXlsx(Buffer.from(await wb.xlsx.writeBuffer()), 'w.xlsx'));
    expect(wrong.userMessage).toContain('单元格 B2：表头应为“二级指标”');

    const broken = await errorOf(importTemplateXlsx(Buffer.from('PK\u0003\u0004not really'), 'b.xlsx'));
    expect(broken.code).toBe('FILE_FORMAT_UNSUPPORTED');
    expect(broken.userMessage).toContain('b.xlsx');
  });
});
