import ExcelJS from 'exceljs';
import { DomainError } from '@selfeval/domain';
import { checkZip } from './zip-guard';

/** Opens an uploaded .xlsx (sizes and rows checked before ExcelJS inflates anything), or says in Chinese that it is not one. */
export async function loadWorkbook(bytes: Uint8Array, file: string): Promise<ExcelJS.Workbook> {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new DomainError('FILE_FORMAT_UNSUPPORTED', `文件“${file}”不是有效的 Excel（.xlsx）文件`, { file });
  checkZip(bytes, file);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new DomainError(
      'FILE_FORMAT_UNSUPPORTED',
      `文件“${file}”不是有效的 Excel（.xlsx）文件：${(e as Error).message}`,
      { file },
    );
  }
  return wb;
}

/**
 * A cell as trimmed text (rich text joined). Formulas are refused: an uploaded workbook must carry
 * values, and a formula could hide anything (external links, HYPERLINK, DDE).
 */
export function cellText(cell: ExcelJS.Cell, refuse: (address: string, message: string) => never): string {
  if (cell.formula) refuse(cell.address, '不接受公式，请粘贴为数值');
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((t) => t.text)
      .join('')
      .trim();
  return String(v).trim();
}
