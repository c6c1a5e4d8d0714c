import { Worker } from 'node:worker_threads';

// Runs in a worker thread: exceljs is plain JavaScript, so no TypeScript hooks are needed.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ExcelJS = require('exceljs');
(async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(workerData.base);
  const ws = workerData.sheet ? wb.getWorksheet(workerData.sheet) : wb.worksheets[0];
  for (let i = 0; i < workerData.rows; i++) ws.addRow(workerData.row.map((c) => c.replace('{i}', String(i))));
  const out = Buffer.from(await wb.xlsx.writeBuffer());
  parentPort.postMessage(out, [out.buffer]);
})().catch((e) => parentPort.postMessage({ error: String(e) }));
`;

/**
 * Appends `rows` rows to a workbook, built in a worker thread: a 100,000-row ExcelJS model takes
 * hundreds of MB, and kept in the test's own heap its garbage collection would pause the very
 * event loop whose latency the test measures.
 */
export function appendRows(base: Buffer, rows: number, row: string[], sheet?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const w = new Worker(SOURCE, { eval: true, workerData: { base, rows, row, sheet } });
    w.once('message', (m: Uint8Array | { error: string }) => {
      // wait for the thread to end: its teardown (freeing the big heap) is joined on this thread
      void w.terminate().then(() => {
        if ('error' in m) reject(new Error(m.error));
        else resolve(Buffer.from(m.buffer, m.byteOffset, m.byteLength));
      });
    });
    w.once('error', reject);
  });
}
