import type { Response } from 'express';
import type { ContentStore } from '@selfeval/db';

/**
 * Content-Disposition for a download with a Chinese file name: `filename*` (RFC 5987/6266, UTF-8) for
 * every current browser, and a plain ASCII `filename` for the rare client that ignores it.
 */
export function attachmentHeader(fileName: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

/** A stored report file as a download: its Chinese name, the data version it shows (for clients), never sniffed. */
export function sendReportFile(
  res: Response,
  file: { fileName: string; sha256: string; dataVersion: number; mime?: string; asciiName?: string },
  store: ContentStore,
): void {
  const ext = /\.[a-z0-9]+$/i.exec(file.fileName)?.[0] ?? '';
  res
    .type(file.mime ?? 'application/pdf')
    .setHeader('Content-Disposition', attachmentHeader(file.fileName, file.asciiName ?? `report${ext}`))
    .setHeader('X-Report-Version', String(file.dataVersion))
    .setHeader('X-Content-Type-Options', 'nosniff')
    .send(store.read(file.sha256));
}

/** A stored PDF as a download (monitoring tables). */
export function sendPdf(
  res: Response,
  file: { fileName: string; sha256: string; dataVersion: number },
  store: ContentStore,
): void {
  sendReportFile(res, file, store);
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Bytes as a download named `fileName` (UTF-8 `filename*`), with any further headers the caller adds. */
export function sendAttachment(
  res: Response,
  type: string,
  fileName: string,
  bytes: Buffer | Uint8Array,
  headers: Record<string, string> = {},
): void {
  res.type(type).setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.send(bytes);
}
