import { Document, Packer, Paragraph, Table } from 'docx';
import type { SelfEvalTableVM } from '../view-models/self-eval-table';
import { a4Section, CellSpec, documentStyles, formTable, heading, textParagraph } from './docx-parts';

/**
 * The 自评表 as Word tables, from the same view model as the PDF: every value the PDF shows, cells
 * merged the same way (一级/二级指标 down their rows), editable before the unit seals it.
 */
export function selfEvalFormBlocks(vm: SelfEvalTableVM): (Paragraph | Table)[] {
  const info: CellSpec[][] = vm.department
    ? [
        [
          { text: '部门（单位）名称', head: true },
          { text: vm.unitName, colSpan: 3 },
        ],
        [
          { text: '主管部门', head: true },
          { text: vm.parentName, colSpan: 3 },
        ],
      ]
    : [
        [
          { text: '项目名称', head: true },
          { text: vm.projectName, colSpan: 3 },
        ],
        [
          { text: '主管部门', head: true },
          { text: vm.parentName },
          { text: '实施单位', head: true },
          { text: vm.unitName },
        ],
        [
          { text: '项目编码', head: true },
          { text: vm.projectCode, colSpan: 3 },
        ],
      ];
  const num = (text: string): CellSpec => ({ text, align: 'right' });
  const money: CellSpec[][] = [
    [vm.money.head, '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'].map((text) => ({
      text,
      head: true,
    })),
  ];
  for (const l of vm.money.lines) {
    if (l.caption) money.push([{ text: l.caption, colSpan: 7, small: true }]);
    money.push([
      { text: l.indent ? `\u3000\u3000${l.label}` : l.label },
      num(l.initial),
      num(l.adjusted),
      num(l.spent),
      num(l.weight),
      num(l.rate),
      num(l.score),
    ]);
  }
  if (vm.money.note)
    money.push([
      { text: '预算执行情况说明', head: true },
      { text: vm.money.note, colSpan: 6, small: true },
    ]);
  const goal: CellSpec[][] = [
    [
      { text: '年度总体目标', head: true },
      { text: '预期目标', head: true },
      { text: '实际完成情况', head: true },
    ],
    [{ text: '总体目标', align: 'center' }, { text: vm.goal }, { text: vm.goalActual }],
  ];
  const indicators: CellSpec[][] = [
    ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'].map(
      (text) => ({ text, head: true }),
    ),
    ...vm.rows.map((r) => [
      ...(r.level1Span ? [{ text: r.level1, rowSpan: r.level1Span, align: 'center' as const }] : []),
      ...(r.level2Span ? [{ text: r.level2, rowSpan: r.level2Span, align: 'center' as const }] : []),
      { text: r.name },
      { text: r.target, align: 'center' as const },
      { text: r.actual, align: 'center' as const },
      num(r.weight),
      num(r.score),
      { text: r.explanation, small: true, more: r.comment ? [`评审意见：${r.comment}`] : [] },
    ]),
    [
      { text: '总分', colSpan: 5, align: 'center', head: true },
      num(vm.points),
      num(vm.total),
      { text: `自评等级：${vm.grade}` },
    ],
  ];
  const s = vm.signature;
  const signature: CellSpec[][] = [
    [
      { text: `填报单位（盖章）：${s.unit}`, borderless: true },
      { text: `单位负责人：${s.head}`, borderless: true },
      { text: `填表人：${s.preparer}`, borderless: true },
    ],
    [
      { text: `联系电话：${s.phone}`, borderless: true },
      { text: `填报日期：${s.date}`, borderless: true, colSpan: 2 },
    ],
  ];
  return [
    textParagraph('单位：万元', { align: 'right' }),
    formTable([18, 32, 16, 34], info),
    textParagraph(''),
    formTable([25, 13, 13, 13, 9, 18, 9], money, 1),
    textParagraph(''),
    formTable([16, 42, 42], goal, 1),
    textParagraph(''),
    formTable([9.5, 11.5, 16, 10.5, 10.5, 8, 8, 26], indicators, 1),
    ...(vm.reviewed ? [textParagraph('注：得分栏含评审人复核后的得分。', { size: 18 })] : []),
    textParagraph(''),
    formTable([40, 30, 30], signature),
  ];
}

export async function buildSelfEvalDocx(vm: SelfEvalTableVM): Promise<Buffer> {
  const doc = new Document({
    title: vm.title,
    creator: vm.unitName,
    styles: documentStyles,
    sections: [a4Section([heading(vm.title, 1), ...selfEvalFormBlocks(vm)])],
  });
  return Packer.toBuffer(doc);
}
