import { cleanCell } from './normalize';

/** What a Word table exported as text is made of: table rows and lines of prose. */
export type DocItem = { kind: 'row'; cells: string[]; line: number } | { kind: 'text'; text: string; line: number };

/**
 * Two export layouts exist: one cell per line (each cell line starts with a tab, rows end at a
 * blank line, a line without a tab continues the cell above), and one row per line with
 * tab-separated cells. The layout is decided once per document by counting lines of each shape.
 */
export function tokenizeTextDocument(content: string): DocItem[] {
  const lines = content
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let multiTab = 0;
  let singleTab = 0;
  for (const l of lines) {
    const tabs = (l.match(/\t/g) ?? []).length;
    if (tabs >= 2) multiTab++;
    else if (tabs === 1 && /^ *\t/.test(l)) singleTab++;
  }
  return multiTab > singleTab ? tabRows(lines) : cellPerLine(lines);
}

function stripBookmark(s: string): string {
  return s.replace(/\[bookmark:[^\]]*\]/g, '');
}

function tabRows(lines: string[]): DocItem[] {
  const items: DocItem[] = [];
  lines.forEach((raw, i) => {
    const l = stripBookmark(raw);
    if (l.includes('\t')) items.push({ kind: 'row', cells: l.split('\t').map(cleanCell), line: i + 1 });
    else if (l.trim() !== '') items.push({ kind: 'text', text: l.trim(), line: i + 1 });
  });
  return items;
}

function cellPerLine(lines: string[]): DocItem[] {
  const items: DocItem[] = [];
  let cells: string[] = [];
  let start = 0;
  const flush = () => {
    if (cells.length) items.push({ kind: 'row', cells: cells.map(cleanCell), line: start });
    cells = [];
  };
  lines.forEach((raw, i) => {
    const l = stripBookmark(raw);
    if (l === '') return flush();
    const cell = /^ *\t(.*)$/.exec(l);
    if (cell) {
      if (!cells.length) start = i + 1;
      cells.push(cell[1].replace(/\t/g, ' '));
    } else if (cells.length) {
      cells[cells.length - 1] += '\n' + l;
    } else if (l.trim() !== '') {
      items.push({ kind: 'text', text: l.trim(), line: i + 1 });
    }
  });
  flush();
  return items;
}
