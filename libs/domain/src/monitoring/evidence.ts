import { DomainError } from '../errors';

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

export interface SniffedType {
  mime: string;
  ext: string;
}

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
      if (!/[\u0000-\u0008\u000e-\u001f]/.test(text) && !/<\s*(script|html|svg|iframe)/i.test(text))
        return { mime: 'text/plain; charset=utf-8', ext: /\.csv$/i.test(name) ? 'csv' : 'txt' };
    } catch {
      return null;
    }
  }
  return null;
}

/** A display name with no path, no control characters, at most 120 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .replace(/^\.+/, '')
    .trim();
  return (cleaned || '附件').slice(0, 120);
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
