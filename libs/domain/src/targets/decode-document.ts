import { DomainError } from '../errors';

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * Turns uploaded bytes into text, refusing what the importer cannot read with a message that
 * says what to do: GBK text (common from Windows exports), Office files, empty or huge files.
 */
export function decodeTextDocument(bytes: Uint8Array, file: string, maxBytes = MAX_DOCUMENT_BYTES): string {
  if (bytes.length === 0) throw new DomainError('FILE_EMPTY', `文件“${file}”是空的`, { file });
  if (bytes.length > maxBytes) {
    throw new DomainError(
      'FILE_TOO_LARGE',
      `文件“${file}”大小 ${(bytes.length / 1048576).toFixed(1)} MB，超过上限 ${(maxBytes / 1048576).toFixed(0)} MB`,
      { file },
    );
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new DomainError(
      'FILE_FORMAT_UNSUPPORTED',
      `文件“${file}”是 Word/Excel（zip）格式，请使用 .docx 或 .xlsx 扩展名上传，或导入文本导出的绩效目标表（.txt，UTF-8）`,
      { file },
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DomainError(
      'FILE_NOT_UTF8',
      `文件“${file}”不是 UTF-8 编码（可能是 GBK）。请在记事本中“另存为”并选择 UTF-8 编码后重新导入`,
      { file },
    );
  }
  if (text.includes('\u0000')) {
    throw new DomainError('FILE_FORMAT_UNSUPPORTED', `文件“${file}”不是文本文件`, { file });
  }
  if (text.trim() === '') throw new DomainError('FILE_EMPTY', `文件“${file}”没有内容`, { file });
  return text;
}
