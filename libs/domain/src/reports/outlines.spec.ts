import { checkSectionTexts, findOutline, OUTLINES, outlineForRegion } from './outlines';

describe('report outlines are data', () => {
  it('defaults to the Hunan-style outline of domain.md §6 with its eight sections in order', () => {
    const o = outlineForRegion(null);
    expect(o.id).toBe('hunan-2020');
    expect(o.sections.map((s) => s.title)).toEqual([
      '一、部门基本情况',
      '二、一般公共预算支出情况',
      '三、政府性基金预算支出情况',
      '四、部门整体支出绩效情况',
      '五、存在的问题及原因分析',
      '六、下一步改进措施',
      '七、绩效自评结果拟应用和公开情况',
      '八、其他需要说明的情况',
    ]);
  });

  it('chooses the outline by the province in the region name', () => {
    expect(outlineForRegion('河北省邯郸市馆陶县').id).toBe('hebei-2021');
    expect(outlineForRegion('湖南省株洲市渌口区').id).toBe('hunan-2020');
    expect(outlineForRegion('宁夏回族自治区固原市').id).toBe('hunan-2020');
    expect(findOutline('hebei-2021')?.name).toBe('河北式');
  });

  it('gives every outline unique section ids', () => {
    for (const o of OUTLINES) expect(new Set(o.sections.map((s) => s.id)).size).toBe(o.sections.length);
  });

  it("checks the unit's own texts: unknown sections, non-text and overlong text are named", () => {
    const o = outlineForRegion(null);
    expect(checkSectionTexts(o, { profile: '内设三个股室' })).toEqual([]);
    expect(checkSectionTexts(o, { nine: 'x', other: 5, application: '字'.repeat(11) }, 10)).toEqual([
      { field: 'sections.nine', message: '报告提纲“湖南式（默认）”没有“nine”这一节' },
      { field: 'sections.other', message: '“八、其他需要说明的情况”的内容应为文字' },
      { field: 'sections.application', message: '“七、绩效自评结果拟应用和公开情况”超过 10 字（现 11 字）' },
    ]);
  });
});
