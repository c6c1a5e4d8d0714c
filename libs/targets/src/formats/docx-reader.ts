import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { DocItem, DomainError, ImportResult, importDocItems } from '@selfeval/domain';
import { checkZip } from './zip-guard';

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/**
 * Reads the tables and paragraphs of word/document.xml in document order and hands them to the
 * same recogniser as the text exports: a Word table row becomes a row of cells, a paragraph a text line.
 */
export async function importDocx(bytes: Uint8Array, file: string): Promise<ImportResult> {
  // entries and sizes are checked before JSZip inflates anything (a zip bomb is refused here)
  checkZip(bytes, file);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (e) {
    throw new DomainError(
      'FILE_FORMAT_UNSUPPORTED',
      `文件“${file}”不是有效的 Word（.docx）文件：${(e as Error).message}`,
      { file },
    );
  }
  const doc = zip.file('word/document.xml');
  if (!doc)
    throw new DomainError('FILE_FORMAT_UNSUPPORTED', `文件“${file}”中没有 word/document.xml，不是 Word 文档`, { file });
  const xml = await doc.async('string');
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    processEntities: true,
    trimValues: false,
  });
  const tree = parser.parse(xml) as XmlNode[];
  const body = children(find(children(find(tree, 'w:document')), 'w:body'));
  const items: DocItem[] = [];
  let line = 0;
  for (const node of body) {
    line++;
    if ('w:p' in node) {
      const text = paragraphText(node).trim();
      if (text) items.push({ kind: 'text', text, line });
    } else if ('w:tbl' in node) {
      for (const tr of children(node).filter((n) => 'w:tr' in n)) {
        line++;
        const cells = children(tr)
          .filter((n) => 'w:tc' in n)
          .map((tc) =>
            children(tc)
              .filter((n) => 'w:p' in n)
              .map(paragraphText)
              .map((t) => t.trim())
              .filter(Boolean)
              .join('\n'),
          );
        items.push({ kind: 'row', cells, line });
      }
    }
  }
  return importDocItems(items, file);
}

function children(node: XmlNode | undefined): XmlNode[] {
  if (!node) return [];
  const key = Object.keys(node).find((k) => k !== ':@');
  const value = key ? node[key] : undefined;
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function find(nodes: XmlNode[], name: string): XmlNode | undefined {
  return nodes.find((n) => name in n);
}

/** Concatenates w:t runs (and tabs/breaks) anywhere below a paragraph. */
function paragraphText(p: XmlNode): string {
  let out = '';
  const walk = (nodes: XmlNode[]) => {
    for (const n of nodes) {
      if ('#text' in n) continue;
      if ('w:t' in n)
        out += children(n)
          .map((t) => String((t as Record<string, unknown>)['#text'] ?? ''))
          .join('');
      else if ('w:tab' in n) out += ' ';
      else if ('w:br' in n) out += '\n';
      else walk(children(n));
    }
  };
  walk(children(p));
  return out;
}
