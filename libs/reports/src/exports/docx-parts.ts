import {
  AlignmentType,
  BorderStyle,
  Footer,
  HeadingLevel,
  ISectionOptions,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';

/**
 * The building blocks the Word copies share: A4 page, 宋体 body and 黑体 headings (the fonts a
 * Chinese office's Word has), bordered form tables with merged cells. Twips: 1 mm = 56.7.
 */
export const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' };
export const HEADING_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体' };
/** 10.5 pt (五号) in half-points */
export const BODY_SIZE = 21;
const PAGE_WIDTH_TWIPS = 11906 - 2 * 794; // A4 less 14 mm margins

export interface CellSpec {
  text: string;
  colSpan?: number;
  rowSpan?: number;
  head?: boolean;
  align?: 'left' | 'center' | 'right';
  small?: boolean;
  /** further paragraphs in the same cell (a reviewer's comment under the explanation) */
  more?: string[];
  borderless?: boolean;
}

const ALIGN = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT };
const LINE = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

export function textParagraph(
  text: string,
  opts: { align?: 'left' | 'center' | 'right'; heading?: boolean; size?: number; indent?: boolean } = {},
): Paragraph {
  return new Paragraph({
    alignment: ALIGN[opts.align ?? 'left'],
    indent: opts.indent ? { firstLine: 420 } : undefined,
    children: [new TextRun({ text, font: opts.heading ? HEADING_FONT : BODY_FONT, size: opts.size ?? BODY_SIZE })],
  });
}

export function heading(text: string, level: 1 | 2): Paragraph {
  return new Paragraph({
    heading: level === 1 ? HeadingLevel.TITLE : HeadingLevel.HEADING_1,
    alignment: level === 1 ? AlignmentType.CENTER : AlignmentType.LEFT,
    spacing: { before: level === 1 ? 0 : 240, after: 120 },
    children: [new TextRun({ text, font: HEADING_FONT, size: level === 1 ? 32 : 25, color: '000000', bold: false })],
  });
}

function cell(c: CellSpec): TableCell {
  const size = c.small ? 18 : BODY_SIZE;
  const run = (text: string, head = c.head) => new TextRun({ text, font: head ? HEADING_FONT : BODY_FONT, size });
  return new TableCell({
    columnSpan: c.colSpan,
    rowSpan: c.rowSpan,
    verticalAlign: VerticalAlignTable.CENTER,
    shading: c.head ? { type: ShadingType.CLEAR, fill: 'F2F2F2', color: 'auto' } : undefined,
    borders: c.borderless ? { top: NONE, bottom: NONE, left: NONE, right: NONE } : undefined,
    margins: { top: 40, bottom: 40, left: 70, right: 70 },
    children: [
      new Paragraph({ alignment: ALIGN[c.align ?? (c.head ? 'center' : 'left')], children: [run(c.text)] }),
      ...(c.more ?? []).map((t) => new Paragraph({ children: [run(t, true)] })),
    ],
  });
}

/**
 * A bordered table from rows of cell specs; columns in percent of the text width. Header rows
 * repeat on every page and no row splits across pages, as in the PDF.
 */
export function formTable(columns: number[], rows: CellSpec[][], headerRows = 0): Table {
  const widths = columns.map((pct) => Math.round((PAGE_WIDTH_TWIPS * pct) / 100));
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE },
    rows: rows.map(
      (r, k) =>
        new TableRow({
          tableHeader: k < headerRows,
          cantSplit: true,
          children: r.map(cell),
        }),
    ),
  });
}

/** A4 portrait, 第 X 页 共 Y 页 in the footer, as the PDF. */
export function a4Section(children: ISectionOptions['children']): ISectionOptions {
  return {
    properties: {
      page: {
        size: { width: 11906, height: 16838 },
        margin: { top: 1021, bottom: 1134, left: 794, right: 794 },
      },
    },
    footers: {
      default: new Footer({
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [
              new TextRun({
                children: ['第 ', PageNumber.CURRENT, ' 页 共 ', PageNumber.TOTAL_PAGES, ' 页'],
                font: BODY_FONT,
                size: 18,
              }),
            ],
          }),
        ],
      }),
    },
    children,
  };
}

export const documentStyles = {
  default: { document: { run: { font: BODY_FONT, size: BODY_SIZE } } },
};
