import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PdfRenderer, TemplateRegistry } from '@selfeval/reports';

/** Reads PDFs back with poppler (pdftotext, pdfinfo, pdffonts, pdftoppm), as a person's PDF reader would. */
function withFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The text as laid out on the page; `raw` keeps the order it is drawn in instead, so a table cell's
 * wrapped lines stay together rather than interleaving with the cells beside them.
 */
export const pdfText = (pdf: Buffer, page?: number, mode: 'layout' | 'raw' = 'layout') =>
  withFile(pdf, (f) =>
    execFileSync('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), `-${mode}`, f, '-'], {
      encoding: 'utf8',
    }),
  );

export const pdfPages = (pdf: Buffer) =>
  withFile(pdf, (f) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [f], { encoding: 'utf8' }))![1]));

/** Font rows of `pdffonts`: name, type, embedded. */
export const pdfFonts = (pdf: Buffer) =>
  withFile(pdf, (f) =>
    execFileSync('pdffonts', [f], { encoding: 'utf8' })
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((line) => ({
        name: line.split(/\s+/)[0],
        type: /(CID TrueType|TrueType|Type 3|Type 1C|CID Type 0C|Type 1)/.exec(line)?.[1] ?? '?',
        embedded: / yes +(yes|no) +(yes|no)/.test(line),
      })),
  );

/** Page 1 as a PNG under test-artifacts/, for a person to look at. */
export function savePage1Png(pdf: Buffer, name: string): string {
  const dir = path.join(__dirname, '../../test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.pdf`), pdf);
  withFile(pdf, (f) =>
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', f, path.join(dir, name)]),
  );
  return path.join(dir, `${name}.png`);
}

/** Debian's Chromium rendering the report templates for one describe block; the browser closes after it. */
export function chromiumRenderer(options: { pages?: number } = {}) {
  const renderer = new PdfRenderer({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    ...options,
    timeoutMs: 30_000,
  });
  afterAll(() => renderer.close());
  return { renderer, templates: new TemplateRegistry() };
}
