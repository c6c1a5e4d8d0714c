import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';

/** Reads a .docx back as Word would show it: paragraphs and tables in order, cells with their merges. */
export interface DocxCell {
  text: string;
  /** columns spanned (w:gridSpan) */
  span: number;
  /** w:vMerge: 'restart' starts a cell merged down, 'continue' is covered by the one above */
  vMerge: 'restart' | 'continue' | null;
}
export type DocxBlock = { kind: 'p'; text: string; style: string | null } | { kind: 'table'; rows: DocxCell[][] };

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };
const children = (n: Node, tag: string): Node[] => (n[tag] as Node[] | undefined) ?? [];
const tagOf = (n: Node) => Object.keys(n).find((k) => k !== ':@')!;

function textOf(nodes: Node[]): string {
  let out = '';
  for (const n of nodes) {
    const tag = tagOf(n);
    if (tag === '#text') out += String(n['#text']);
    else if (tag === 'w:p' && out) out += '\n' + textOf(children(n, tag));
    else if (tag !== 'w:instrText') out += textOf(children(n, tag));
  }
  return out;
}

function find(nodes: Node[], tag: string): Node | undefined {
  return nodes.find((n) => tagOf(n) === tag);
}

export async function readDocx(bytes: Buffer): Promise<{ blocks: DocxBlock[]; core: string; xml: string }> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  const core = (await zip.file('docProps/core.xml')?.async('string')) ?? '';
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    trimValues: false,
    parseTagValue: false,
  });
  const doc = parser.parse(xml) as Node[];
  const body = children(find(children(find(doc, 'w:document')!, 'w:document'), 'w:body')!, 'w:body');
  const blocks: DocxBlock[] = [];
  for (const n of body) {
    const tag = tagOf(n);
    if (tag === 'w:p') {
      const pPr = find(children(n, 'w:p'), 'w:pPr');
      const style = pPr ? (find(children(pPr, 'w:pPr'), 'w:pStyle')?.[':@']?.['w:val'] ?? null) : null;
      blocks.push({ kind: 'p', text: textOf(children(n, 'w:p')), style });
    } else if (tag === 'w:tbl') {
      const rows = children(n, 'w:tbl')
        .filter((r) => tagOf(r) === 'w:tr')
        .map((tr) =>
          children(tr, 'w:tr')
            .filter((c) => tagOf(c) === 'w:tc')
            .map((tc) => {
              const tcPr = children(find(children(tc, 'w:tc'), 'w:tcPr') ?? { 'w:tcPr': [] }, 'w:tcPr');
              const span = Number(find(tcPr, 'w:gridSpan')?.[':@']?.['w:val'] ?? 1);
              const vm = find(tcPr, 'w:vMerge');
              const paragraphs = children(tc, 'w:tc').filter((p) => tagOf(p) === 'w:p');
              return {
                text: paragraphs.map((p) => textOf(children(p, 'w:p'))).join('\n'),
                span,
                vMerge: vm ? ((vm[':@']?.['w:val'] as 'restart' | 'continue' | undefined) ?? 'continue') : null,
              };
            }),
        );
      blocks.push({ kind: 'table', rows });
    }
  }
  return { blocks, core, xml };
}
