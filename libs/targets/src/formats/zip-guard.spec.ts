import * as fs from 'node:fs';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { DomainError, importTextDocument } from '@selfeval/domain';
import { buildZip, entriesOf, entryOf, zerosEntry } from '../../../../test/helpers/zip-writer';
import { importDocx } from './docx-reader';
import { exportTemplateXlsx, importTemplateXlsx } from './xlsx-template';
import { parseOffThread } from '../off-thread';
import { declaredUnpackedBytes, ZIP_LIMITS } from './zip-guard';

const SEEDS = path.join(__dirname, '../../../../demo/seeds');

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('zip containers are checked before anything inflates them', () => {
  let workbook: Buffer;
  beforeAll(async () => {
    const seed = fs.readdirSync(SEEDS)[0];
    workbook = await exportTemplateXlsx(importTextDocument(fs.readFileSync(path.join(SEEDS, seed), 'utf8')).sheets);
  });

  it('reads a real workbook, also when rebuilt entry by entry (the hand-built zips below are valid zips)', async () => {
    const rebuilt = buildZip(await entriesOf(workbook));
    const a = await importTemplateXlsx(workbook, 'a.xlsx');
    const b = await importTemplateXlsx(rebuilt, 'b.xlsx');
    expect(b.sheets).toEqual(a.sheets);
  });

  it('refuses a small .xlsx holding a 400 MB entry at once, without inflating it', async () => {
    const bomb = buildZip([...(await entriesOf(workbook)), await zerosEntry('xl/media/image1.png', 400)]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const e = await refusal(importTemplateXlsx(bomb, 'bomb.xlsx'));
    const ms = Date.now() - started;
    expect(e.code).toBe('FILE_TOO_LARGE');
    expect(e.userMessage).toBe('文件“bomb.xlsx”中的“xl/media/image1.png”解压后 400.0 MB，超过单项上限 50 MB，已拒绝');
    expect(ms).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses an entry whose header understates what it inflates to', async () => {
    const real = await zerosEntry('xl/media/image1.png', 30);
    const lying = buildZip([...(await entriesOf(workbook)), { ...real, size: 1024 }]);
    const e = await refusal(importTemplateXlsx(lying, 'lying.xlsx'));
    expect(e.userMessage).toBe(
      '文件“lying.xlsx”中的“xl/media/image1.png”解压后大于它声明的大小（疑似压缩炸弹），已拒绝',
    );
  });

  it('refuses more entries, or more in total, than the limits', async () => {
    const many = buildZip(Array.from({ length: ZIP_LIMITS.entries + 1 }, (_, i) => entryOf(`x/${i}.xml`, 'a')));
    expect((await refusal(importTemplateXlsx(many, 'many.xlsx'))).userMessage).toBe(
      `文件“many.xlsx”含 ${ZIP_LIMITS.entries + 1} 个压缩条目，超过上限 ${ZIP_LIMITS.entries} 个，已拒绝`,
    );
    const parts = await Promise.all([1, 2, 3].map((i) => zerosEntry(`word/media/${i}.bin`, 40)));
    const total = buildZip([entryOf('word/document.xml', '<w:document/>'), ...parts]);
    expect((await refusal(importDocx(total, 'total.docx'))).userMessage).toBe(
      '文件“total.docx”解压后超过 100 MB，已拒绝',
    );
  });

  it('refuses a worksheet with more rows than the limit before ExcelJS reads a cell', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('目标表');
    for (let r = 1; r <= ZIP_LIMITS.worksheetRows + 1; r++) ws.addRow(['x', r]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await refusal(importTemplateXlsx(bytes, 'rows.xlsx'))).userMessage).toBe(
      `文件“rows.xlsx”的工作表（sheet1.xml）有 ${ZIP_LIMITS.worksheetRows + 1} 行，超过上限 ${ZIP_LIMITS.worksheetRows} 行，已拒绝；请分成多个文件上传`,
    );
  });

  it('refuses bytes that only start like a zip', async () => {
    const e = await refusal(importTemplateXlsx(Buffer.concat([Buffer.from('PK'), Buffer.alloc(100)]), 'cut.xlsx'));
    expect(e.code).toBe('FILE_FORMAT_UNSUPPORTED');
  });

  it('sends large files and zips that unpack large to the parse worker, small ones not', async () => {
    const bomb = buildZip([entryOf('a.xml', '<a/>'), await zerosEntry('b.bin', 5)]);
    expect(declaredUnpackedBytes(bomb)).toBe(4 + 5 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(parseOffThread(bomb)).toBe(true);
    expect(parseOffThread(workbook)).toBe(false);
    expect(parseOffThread(Buffer.alloc(600 * 1024, 0x41))).toBe(true);
    expect(parseOffThread(Buffer.from('项目名称\t测试'))).toBe(false);
  });
});
