import { DomainError } from '../errors';

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

export interface SniffedType {
  mime: string;
  ext: string;
}

/** Text that a browser could take for markup (HTML, SVG, XML): refused as "plain text". */
const MARKUP = /<\s*[!?]?\s*(script|html|svg|iframe|doctype|xml|object|embed|body|head|meta|link|style|img|form)\b/i;

/** Extensions a stored name may keep for each sniffed type; any other ending is replaced. */
const EXTENSIONS: Record<string, string[]> = {
  pdf: ['pdf'],
  png: ['png'],
  jpg: ['jpg', 'jpeg'],
  doc: ['doc'],
  xls: ['xls'],
  docx: ['docx'],
  xlsx: ['xlsx'],
  txt: ['txt'],
  csv: ['csv'],
};

/**
 * What an evidence file really is, from its first bytes (never from its name or the browser's
 * claim). Only document and image types are accepted: HTML, SVG, scripts and executables are not.
 */
export function sniffEvidence(bytes: Uint8Array, name: string): SniffedType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return { mime: 'application/pdf', ext: 'pdf' };
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { mime: 'image/png', ext: 'png' };
  if (starts(0xff, 0xd8, 0xff)) return { mime: 'image/jpeg', ext: 'jpg' };
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    return /\.xls$/i.test(name)
      ? { mime: 'application/vnd.ms-excel', ext: 'xls' }
      : { mime: 'application/msword', ext: 'doc' };
  }
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    if (/\.xlsx$/i.test(name))
      return { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' };
    if (/\.docx$/i.test(name))
      return { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' };
    return null;
  }
  if (/\.(txt|csv)$/i.test(name)) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      // eslint-disable-next-line no-control-regex -- control characters are what this refuses
      if (!/[\u0000-\u0008\u000e-\u001f]/.test(text) && !MARKUP.test(text))
        return { mime: 'text/plain; charset=utf-8', ext: /\.csv$/i.test(name) ? 'csv' : 'txt' };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * A display name with no path, no control or format characters (C0/C1 controls, bidi overrides
 * and isolates such as U+202E, zero-width characters, line separators), at most 120 characters.
 * A right-to-left override would let "gpj.exe" display as "exe.jpg".
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>:"|?*]/gu, '')
    .replace(/^\.+/, '')
    .trim();
  return (cleaned || '附件').slice(0, 120);
}

/**
 * The name an evidence file is stored and served under: cleaned, and ending in the extension of
 * what the bytes are ("x.html" holding a PDF becomes "x.pdf"), so no name can promise another type.
 */
export function evidenceFileName(name: string, type: SniffedType): string {
  const safe = safeFileName(name);
  const dot = safe.lastIndexOf('.');
  const ext = dot > 0 ? safe.slice(dot + 1).toLowerCase() : '';
  if (EXTENSIONS[type.ext]?.includes(ext)) return safe;
  const stem = dot > 0 ? safe.slice(0, dot) : safe;
  return `${stem.slice(0, 120 - type.ext.length - 1)}.${type.ext}`;
}

/**
 * The file name of a multipart upload. Multer hands it over as latin1 characters of the raw
 * header bytes: those are decoded as UTF-8, else as GB18030 (a superset of GBK, what Chinese
 * Windows browsers and tools send); a name that is neither is refused rather than stored as "����".
 * A name that already holds characters above U+00FF was decoded by the parser (RFC 5987 filename*).
 */
export function decodeUploadName(original: string): string {
  // eslint-disable-next-line no-control-regex -- a name holding only U+0000–U+00FF is raw header bytes
  if (/[^\u0000-\u00ff]/.test(original)) return original;
  const bytes = Uint8Array.from(original, (c) => c.charCodeAt(0));
  for (const encoding of ['utf-8', 'gb18030']) {
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      // try the next encoding
    }
  }
  throw new DomainError('VALIDATION_FAILED', '文件名的编码无法识别（应为 UTF-8 或 GBK），请改名后重新上传', {
    field: 'file',
  });
}

export function checkEvidence(bytes: Uint8Array, name: string): SniffedType {
  const display = safeFileName(name);
  if (bytes.length === 0) throw new DomainError('FILE_EMPTY', `佐证材料“${display}”是空文件`, { file: display });
  if (bytes.length > MAX_EVIDENCE_BYTES) {
    throw new DomainError('FILE_TOO_LARGE', `佐证材料“${display}”超过 ${MAX_EVIDENCE_BYTES / 1048576} MB`, {
      file: display,
    });
  }
  const type = sniffEvidence(bytes, display);
  if (!type) {
    throw new DomainError(
      'FILE_FORMAT_UNSUPPORTED',
      `佐证材料“${display}”的类型不受支持：只接受 PDF、图片（PNG/JPEG）、Word、Excel 和纯文本`,
      { file: display },
    );
  }
  return type;
}

/**
 * Whether evidence may be added to a quarterly report: while the unit fills it (draft, returned), and afterwards as
 * 补充佐证材料 — an evaluator at year end asks for more — until the sheet's self-evaluation is approved (approved is
 * final). Evidence is only ever added, never changed, and every addition is audited; it changes no value or score.
 */
export function evidenceWindow(
  reportStatus: string,
  evaluationStatus: string | null | undefined,
): 'fill-in' | 'supplement' | 'closed' {
  if (evaluationStatus === 'approved') return 'closed';
  return reportStatus === 'draft' || reportStatus === 'returned' ? 'fill-in' : 'supplement';
}
