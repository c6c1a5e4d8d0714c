import { inflateRawSync } from 'node:zlib';
import { DomainError } from '@selfeval/domain';

/** What an uploaded Office file (.docx, .xlsx: both zip containers) may unpack to. */
export const ZIP_LIMITS = {
  entries: 2_000,
  entryBytes: 50 * 1024 * 1024,
  totalBytes: 100 * 1024 * 1024,
  /** rows in one worksheet of an uploaded workbook (a real 目标表 or 填报表 has a few hundred) */
  worksheetRows: 5_000,
} as const;

const MB = 1024 * 1024;
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntryInfo {
  name: string;
  size: number;
}

/**
 * Checks a zip container before any library inflates it: the number of entries, each entry's and
 * the total unpacked size. Declared sizes are read from the central directory and then proved by
 * inflating each entry with zlib's maxOutputLength (a header that lies about its size is refused
 * as soon as it inflates one byte past what it declared), so memory stays bounded by the limits.
 * For .xlsx the worksheet rows are counted in the XML too, before ExcelJS builds any cell.
 */
export function checkZip(bytes: Uint8Array, file: string, limits = ZIP_LIMITS): ZipEntryInfo[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refuse = (message: string, code: 'FILE_TOO_LARGE' | 'FILE_FORMAT_UNSUPPORTED' = 'FILE_TOO_LARGE'): never => {
    throw new DomainError(code, `文件“${file}”${message}`, { file });
  };
  const broken = () => refuse('不是有效的压缩文件（.docx / .xlsx），可能已损坏', 'FILE_FORMAT_UNSUPPORTED');
  const eocd = findEndOfCentralDirectory(buf) ?? broken();
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) refuse('使用了 ZIP64 格式，Office 文件不需要，已拒绝');
  if (count > limits.entries) refuse(`含 ${count} 个压缩条目，超过上限 ${limits.entries} 个，已拒绝`);
  const entries: ZipEntryInfo[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== CENTRAL) broken();
    const method = buf.readUInt16LE(offset + 10);
    const compressed = buf.readUInt32LE(offset + 20);
    const size = buf.readUInt32LE(offset + 24);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    const local = buf.readUInt32LE(offset + 42);
    const name = buf.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (size > limits.entryBytes)
      refuse(`中的“${name}”解压后 ${mb(size)} MB，超过单项上限 ${limits.entryBytes / MB} MB，已拒绝`);
    total += size;
    if (total > limits.totalBytes) refuse(`解压后超过 ${limits.totalBytes / MB} MB，已拒绝`);
    const data = inflateEntry(buf, local, method, compressed, size) ?? broken();
    if (data === 'too-large') refuse(`中的“${name}”解压后大于它声明的大小（疑似压缩炸弹），已拒绝`);
    const rows = /^xl\/worksheets\/[^/]+\.xml$/.test(name) ? countRows(data as Buffer) : 0;
    if (rows > limits.worksheetRows)
      refuse(
        `的工作表（${name.slice('xl/worksheets/'.length)}）有 ${rows} 行，超过上限 ${limits.worksheetRows} 行，已拒绝；请分成多个文件上传`,
      );
    entries.push({ name, size });
  }
  return entries;
}

/** What a zip's central directory says it unpacks to in all (no inflating); null when it is not a readable zip. */
export function declaredUnpackedBytes(bytes: Uint8Array): number | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 22) return null;
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd === null) return null;
  let offset = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let i = buf.readUInt16LE(eocd + 10); i > 0; i--) {
    if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== CENTRAL) return null;
    total += buf.readUInt32LE(offset + 24);
    offset += 46 + buf.readUInt16LE(offset + 28) + buf.readUInt16LE(offset + 30) + buf.readUInt16LE(offset + 32);
  }
  return total;
}

function findEndOfCentralDirectory(buf: Buffer): number | null {
  // the record is 22 bytes plus a comment of at most 65,535 bytes, at the very end
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (buf.readUInt32LE(i) === EOCD) return i;
  return null;
}

function inflateEntry(
  buf: Buffer,
  local: number,
  method: number,
  compressed: number,
  size: number,
): Buffer | 'too-large' | null {
  if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) return null;
  const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
  if (start + compressed > buf.length) return null;
  const raw = buf.subarray(start, start + compressed);
  if (method === 0) return compressed === size ? raw : null;
  if (method !== 8) return null;
  try {
    // one byte more than declared is enough to know the header lies
    const out = inflateRawSync(raw, { maxOutputLength: size + 1 });
    return out.length > size ? 'too-large' : out;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : null;
  }
}

/** `<row ` / `<row>` elements of a worksheet part (counted on bytes, no XML tree). */
function countRows(xml: Buffer): number {
  let n = 0;
  for (let i = xml.indexOf('<row'); i !== -1; i = xml.indexOf('<row', i + 4)) {
    const next = xml[i + 4];
    if (next === 0x20 || next === 0x3e || next === 0x2f) n++;
  }
  return n;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
