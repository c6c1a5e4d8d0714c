import * as fs from 'node:fs';
import * as path from 'node:path';
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import JSZip from 'jszip';
import { DomainError, importTextDocument, tokenizeTextDocument } from '@selfeval/domain';
import { importDocx } from './docx-reader';

const SEEDS = path.join(__dirname, '../../../../demo/seeds');

/** Builds a real .docx holding the same tables and paragraphs as a seed's text export. */
async function docxFromSeed(file: string): Promise<Buffer> {
  const items = tokenizeTextDocument(fs.readFileSync(path.join(SEEDS, file), 'utf8'));
  const children: (Paragraph | Table)[] = [];
  let rows: TableRow[] = [];
  const flush = () => {
    if (rows.length) children.push(new Table({ rows }));
    rows = [];
  };
  for (const item of items) {
    if (item.kind === 'text') {
      flush();
      children.push(new Paragraph({ children: [new TextRun(item.text)] }));
    } else {
      rows.push(
        new TableRow({
          children: (item.cells.length ? item.cells : ['']).map(
            (c) => new TableCell({ children: c.split('\n').map((l) => new Paragraph({ children: [new TextRun(l)] })) }),
          ),
        }),
      );
    }
  }
  flush();
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

const strip = (r: { sheets: { warnings: unknown[] }[] }) => r.sheets.map(({ warnings: _w, ...s }) => s);

describe('importDocx', () => {
  it.each(['000', '001', '002', '003', '004'])(
    'reads the same sheets from a Word file as from the text export of seed %s',
    async (prefix) => {
      const file = fs.readdirSync(SEEDS).find((f) => f.startsWith(prefix))!;
      const fromText = importTextDocument(fs.readFileSync(path.join(SEEDS, file), 'utf8'));
      const fromDocx = await importDocx(await docxFromSeed(file), `${prefix}.docx`);
      expect(strip(fromDocx)).toEqual(strip(fromText));
      expect(fromDocx.sheets.length).toBeGreaterThan(0);
    },
  );

  it('refuses a zip bomb before inflating it', async () => {
    const zip = new JSZip();
    zip.file('word/document.xml', 'x'.repeat(120 * 1024 * 1024), { compression: 'DEFLATE' });
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(importDocx(bomb, 'bomb.docx')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('refuses a zip that is not a Word document', async () => {
    const zip = new JSZip();
    zip.file('hello.txt', 'hi');
    const e = await importDocx(await zip.generateAsync({ type: 'nodebuffer' }), 'x.docx').catch(
      (err: DomainError) => err,
    );
    expect((e as DomainError).userMessage).toContain('不是 Word 文档');
  });
});
