import type { Response } from 'express';
import type { ContentStore, ReportFileEntity } from '@selfeval/db';

/** A stored PDF as a download: UTF-8 file name (RFC 5987), the data version it shows, never sniffed. */
export function sendPdf(res: Response, file: ReportFileEntity, store: ContentStore): void {
  res
    .type('application/pdf')
    .setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .setHeader('X-Report-Version', String(file.dataVersion))
    .setHeader('X-Content-Type-Options', 'nosniff')
    .send(store.read(file.sha256));
}
