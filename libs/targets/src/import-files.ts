import { createHash } from 'node:crypto';
import {
  decimalOverflow,
  decodeTextDocument,
  DomainError,
  ImportResult,
  importTextDocument,
  MAX_DOCUMENT_BYTES,
} from '@selfeval/domain';
import { importDocx } from './formats/docx-reader';
import { importTemplateXlsx } from './formats/xlsx-template';
import { parseOffThread, registerOffThreadModule, runOffThread } from './off-thread';
import type { StoredSheetSummary, TargetsService } from './targets.service';

// the parse worker loads this module when it starts (see off-thread.ts)
registerOffThreadModule(__filename);

export interface ImportedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ParsedFile {
  file: ImportedFile;
  result: ImportResult;
}

export interface ImportFilesResult extends ImportResult {
  stored: StoredSheetSummary[];
  dryRun: boolean;
}

/** Picks the reader by content: zip files by extension (.docx / .xlsx), everything else as UTF-8 text. */
async function parseOne(f: ImportedFile): Promise<ImportResult> {
  const isZip = f.bytes[0] === 0x50 && f.bytes[1] === 0x4b;
  if (f.bytes.length > MAX_DOCUMENT_BYTES) return importTextDocument(decodeTextDocument(f.bytes, f.name), f.name); // throws FILE_TOO_LARGE
  if (isZip && /\.docx$/i.test(f.name)) return importDocx(f.bytes, f.name);
  if (isZip && /\.xlsx$/i.test(f.name)) return importTemplateXlsx(f.bytes, f.name);
  if (isZip) {
    throw new DomainError(
      'FILE_FORMAT_UNSUPPORTED',
      `文件“${f.name}”是压缩格式，但扩展名不是 .docx 或 .xlsx；支持：文本导出（.txt）、Word（.docx）、selfeval Excel 模板（.xlsx）`,
      { file: f.name },
    );
  }
  return importTextDocument(decodeTextDocument(f.bytes, f.name), f.name);
}

/** Indicators one 绩效目标表 may hold (published sheets have 10–60); more is a mistake or an attack. */
export const MAX_INDICATORS_PER_SHEET = 1_000;

/**
 * Limits a stored sheet must keep. Checked in parseFiles, which the dry-run preview and the real
 * import both go through, so a preview never accepts what the import would refuse.
 */
export function checkLimits(result: ImportResult, file: string): void {
  for (const s of result.sheets) {
    const name = s.project?.name || `${s.unit.name}部门整体`;
    const tooLong = (field: string, label: string, message: string): never => {
      throw new DomainError('SHEET_INVALID', `文件“${file}”中“${name}”的${label}${message}，未保存`, {
        file,
        sheet: name,
        field,
      });
    };
    // column widths of unit, target_sheet and indicator (PostgreSQL refuses longer text; SQLite would keep it)
    const unitKey = s.unit.code ?? s.unit.name;
    const texts: [string | null | undefined, number, string, string][] = [
      [file, 300, '文件名', 'file'],
      [unitKey, 64, s.unit.code ? '单位编码' : '单位名称（无单位编码时作为编码）', 'unit.code'],
      [s.unit.name, 200, '单位名称', 'unit.name'],
      [s.project?.code, 64, '项目编码', 'project.code'],
      // without a code the name is also the sheet key (`project:<name>`, 300 characters)
      [s.project?.name, s.project?.code ? 300 : 292, '项目名称', 'project.name'],
    ];
    s.indicators.forEach((ind, i) => {
      texts.push([ind.level1, 50, `指标“${ind.name}”的一级指标`, `indicators[${i}].level1`]);
      texts.push([ind.level2, 50, `指标“${ind.name}”的二级指标`, `indicators[${i}].level2`]);
      if (ind.target.kind === 'quantitative')
        texts.push([ind.target.unit, 20, `指标“${ind.name}”的计量单位`, `indicators[${i}].target`]);
    });
    for (const [text, max, label, field] of texts) {
      const length = text ? [...text].length : 0;
      if (length > max) tooLong(field, label, `有 ${length} 个字符，超过 ${max} 个的上限`);
    }
    for (const [key, amount] of Object.entries(s.budget)) {
      const overflow = amount ? decimalOverflow(amount, 'money') : null;
      if (overflow) tooLong(`budget.${key}`, `资金“${amount}”万元`, overflow);
    }
    s.indicators.forEach((ind, i) => {
      const overflow = ind.target.kind === 'quantitative' ? decimalOverflow(ind.target.value, 'value') : null;
      if (overflow) tooLong(`indicators[${i}].target`, `指标“${ind.name}”的指标值“${ind.target.raw}”`, overflow);
    });
    if (s.indicators.length > MAX_INDICATORS_PER_SHEET) {
      throw new DomainError(
        'FILE_TOO_LARGE',
        `文件“${file}”中“${name}”有 ${s.indicators.length} 个指标，超过每张目标表 ${MAX_INDICATORS_PER_SHEET} 个的上限，未保存`,
        { file, sheet: name },
      );
    }
  }
}

/** One file read and checked against the limits; runs on the parse worker (see parseFiles). */
export async function parseFileContent(bytes: Uint8Array, name: string): Promise<ImportResult> {
  const result = await parseOne({ name, bytes });
  checkLimits(result, name);
  return result;
}

/**
 * Decodes, parses and checks every file, large ones on the parse worker thread (the event loop keeps serving);
 * throws DomainError on the first file that cannot be stored.
 */
export async function parseFiles(files: ImportedFile[]): Promise<ParsedFile[]> {
  const out: ParsedFile[] = [];
  for (const f of files) {
    const result = parseOffThread(f.bytes)
      ? await runOffThread<ImportResult>(__filename, 'parseFileContent', [f.bytes, f.name], f.name)
      : await parseFileContent(f.bytes, f.name);
    if (!result.sheets.length) {
      throw new DomainError(
        'NO_SHEETS_FOUND',
        `文件“${f.name}”中没有找到绩效目标表（应含“一级指标/二级指标/三级指标”表头或部门整体绩效目标）`,
        { file: f.name },
      );
    }
    out.push({ file: f, result });
  }
  return out;
}

/**
 * Shared by the API upload and `selfeval import`: every file is parsed and validated before
 * anything is written; then each file is stored in its own transaction (all-or-nothing per file).
 */
export async function importFiles(
  targets: TargetsService | null,
  parsed: ParsedFile[],
  opts: { dryRun: boolean },
): Promise<ImportFilesResult> {
  if (targets) for (const p of parsed) targets.validate(p.result, p.file.name);
  const stored: StoredSheetSummary[] = [];
  if (!opts.dryRun && targets) {
    for (const { file, result } of parsed) {
      stored.push(
        ...(await targets.importResult(result, {
          name: file.name,
          hash: createHash('sha256').update(file.bytes).digest('hex'),
        })),
      );
    }
  }
  return {
    sheets: parsed.flatMap((p) => p.result.sheets),
    warnings: parsed.flatMap((p) => p.result.warnings.map((w) => ({ ...w, where: { ...w.where, file: p.file.name } }))),
    stored,
    dryRun: opts.dryRun,
  };
}
