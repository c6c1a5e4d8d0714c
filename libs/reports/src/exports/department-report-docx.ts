import { Document, Packer, Paragraph, Table } from 'docx';
import type { DepartmentReportVM, ReportTable } from '../view-models/department-report';
import { a4Section, CellSpec, documentStyles, formTable, heading, textParagraph } from './docx-parts';
import { selfEvalFormBlocks } from './self-eval-docx';

const table = (t: ReportTable): Table =>
  formTable(
    t.head.map((_, i) =>
      i === 0 ? 100 - (t.head.length - 1) * Math.floor(60 / (t.head.length - 1)) : Math.floor(60 / (t.head.length - 1)),
    ),
    [
      t.head.map((text): CellSpec => ({ text, head: true })),
      ...t.rows.map((r) => r.map((text): CellSpec => ({ text }))),
    ],
    1,
  );

/**
 * The 自评报告 as a Word document: the same sections, facts, tables and the unit's words as the
 * PDF; each chart as the table of its figures (editable, no image converter); every 自评表 as an
 * annex in real Word tables. Headings are Word headings, so the navigation pane lists the sections.
 */
export async function buildDepartmentReportDocx(vm: DepartmentReportVM): Promise<Buffer> {
  const body: (Paragraph | Table)[] = [
    heading(`${vm.unitName}`, 1),
    heading(`${vm.year}年度部门整体支出绩效自评报告`, 1),
    textParagraph(`主管部门：${vm.parentName}`, { align: 'center', size: 18 }),
  ];
  for (const s of vm.sections) {
    body.push(heading(s.title, 2));
    for (const f of s.facts) body.push(textParagraph(f, { indent: true }));
    if (s.table) body.push(table(s.table));
    for (const c of s.charts)
      body.push(textParagraph(''), table(c.data), textParagraph(c.caption, { align: 'center', size: 18 }));
    for (const p of s.own) body.push(textParagraph(p, { indent: true }));
    if (s.missing) body.push(textParagraph(s.missingText, { indent: true }));
  }
  const annexes = vm.annexes.map((a, i) =>
    a4Section([
      heading(`附件${i + 1}：${a.title}${a.department ? '' : `（${a.projectName}）`}`, 2),
      ...selfEvalFormBlocks(a),
    ]),
  );
  const doc = new Document({
    title: vm.title,
    creator: vm.unitName,
    styles: documentStyles,
    sections: [a4Section(body), ...annexes],
  });
  return Packer.toBuffer(doc);
}
