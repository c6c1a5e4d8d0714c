/**
 * Document information (title, author, subject) written into a finished PDF as an incremental
 * update, the way a PDF editor saves: the original bytes stay as they are, a new /Info object and
 * a new cross-reference section and trailer are appended. Chromium sets only the title (from
 * <title>) and has no author; a sealed report should name its unit. Handles the classic
 * cross-reference tables Chromium (Skia) writes and refuses anything else rather than damage a file.
 */
export interface PdfInfo {
  title?: string;
  author?: string;
  subject?: string;
}

/** A PDF text string in UTF-16BE with its byte order mark, as hex: any Chinese text, no escaping. */
const pdfText = (s: string) => `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;

export function withPdfInfo(pdf: Buffer, info: PdfInfo): Buffer {
  const tail = pdf.subarray(Math.max(0, pdf.length - 2048)).toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  const trailer = tail.lastIndexOf('trailer');
  if (!startxref || trailer < 0) throw new Error('PDF without a classic trailer: document information not written');
  const dict = tail.slice(trailer, tail.lastIndexOf('startxref'));
  const size = Number(/\/Size\s+(\d+)/.exec(dict)?.[1]);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(dict)?.[1];
  if (!size || !root) throw new Error('PDF trailer without /Size or /Root');
  const entries = [
    info.title && `/Title ${pdfText(info.title)}`,
    info.author && `/Author ${pdfText(info.author)}`,
    info.subject && `/Subject ${pdfText(info.subject)}`,
    '/Creator (selfeval)',
    '/Producer (Skia/PDF via Chromium)',
  ].filter(Boolean);
  const head = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const objectAt = pdf.length + head.length;
  const object = `${head}${size} 0 obj\n<<${entries.join('\n')}>>\nendobj\n`;
  const xrefAt = pdf.length + Buffer.byteLength(object, 'latin1');
  const update =
    object +
    `xref\n${size} 1\n${String(objectAt).padStart(10, '0')} 00000 n \n` +
    `trailer\n<</Size ${size + 1}\n/Root ${root}\n/Info ${size} 0 R\n/Prev ${startxref[1]}>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

/** The value of <meta name="…" content="…"> in a rendered template (Handlebars-escaped), or null. */
export function metaContent(html: string, name: string): string | null {
  const m = new RegExp(`<meta name="${name}" content="([^"]*)"`).exec(html);
  if (!m) return null;
  const entities: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    '#x27': "'",
    '#x3D': '=',
    '#x60': '`',
  };
  return m[1].replace(/&(amp|lt|gt|quot|#x27|#x3D|#x60);/g, (_, e: string) => entities[e]);
}
