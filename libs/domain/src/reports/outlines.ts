/**
 * 部门整体支出绩效自评报告: the outline is data (domain.md §6), one per region style. Each section says
 * which facts the system writes into it (`source`) and what the unit is asked to add in its own
 * words (`prompt`); a section with source 'text' is the unit's words only.
 */
export type SectionSource =
  | 'unit-profile' // 单位基本情况: sheets, projects, money totals
  | 'general-budget' // 一般公共预算 spending: 基本支出 / 项目支出
  | 'fund-budget' // 政府性基金预算
  | 'performance' // scores of every sheet, charts
  | 'problems' // indicators that lost points, with their explanations
  | 'measures' // 改进措施 taken from the explanations
  | 'text'; // the unit's words only

export interface OutlineSection {
  id: string;
  title: string;
  source: SectionSource;
  prompt: string;
}

export interface ReportOutline {
  id: string;
  name: string;
  /** regions (province names) that use it by default */
  regions: string[];
  sections: OutlineSection[];
}

/** Section 三 reads the same in the Hunan and Hebei outlines. */
const FUND_BUDGET: OutlineSection = {
  id: 'fund-budget',
  title: '三、政府性基金预算支出情况',
  source: 'fund-budget',
  prompt: '政府性基金预算支出情况；没有的写明“无”',
};

/** Hunan-style default, as in domain.md §6. */
const HUNAN: ReportOutline = {
  id: 'hunan-2020',
  name: '湖南式（默认）',
  regions: ['湖南'],
  sections: [
    {
      id: 'profile',
      title: '一、部门基本情况',
      source: 'unit-profile',
      prompt: '职能职责、机构设置、人员编制及年度主要工作',
    },
    {
      id: 'general-budget',
      title: '二、一般公共预算支出情况',
      source: 'general-budget',
      prompt: '基本支出、项目支出的构成和执行情况',
    },
    FUND_BUDGET,
    {
      id: 'performance',
      title: '四、部门整体支出绩效情况',
      source: 'performance',
      prompt: '产出、效益、满意度等目标的完成情况',
    },
    { id: 'problems', title: '五、存在的问题及原因分析', source: 'problems', prompt: '未完成的指标及其原因' },
    { id: 'measures', title: '六、下一步改进措施', source: 'measures', prompt: '针对问题的具体措施、责任人和完成时限' },
    {
      id: 'application',
      title: '七、绩效自评结果拟应用和公开情况',
      source: 'text',
      prompt: '结果应用（预算安排、政策调整）和公开方式',
    },
    { id: 'other', title: '八、其他需要说明的情况', source: 'text', prompt: '其他需要说明的事项；没有的写明“无”' },
  ],
};

/** Hebei-style (冀财绩 forms): goals and completion first, conclusion before problems. */
const HEBEI: ReportOutline = {
  id: 'hebei-2021',
  name: '河北式',
  regions: ['河北'],
  sections: [
    { id: 'profile', title: '一、部门（单位）概况', source: 'unit-profile', prompt: '主要职能、机构和人员情况' },
    {
      id: 'general-budget',
      title: '二、部门整体支出及执行情况',
      source: 'general-budget',
      prompt: '预算安排、调整及执行情况',
    },
    FUND_BUDGET,
    {
      id: 'performance',
      title: '四、绩效目标完成情况及自评结论',
      source: 'performance',
      prompt: '各项绩效目标完成情况及自评结论',
    },
    { id: 'problems', title: '五、存在的问题', source: 'problems', prompt: '绩效目标未完成的原因' },
    { id: 'measures', title: '六、改进措施和有关建议', source: 'measures', prompt: '改进措施和对财政部门的建议' },
    { id: 'application', title: '七、自评结果应用及公开情况', source: 'text', prompt: '结果应用和公开情况' },
  ],
};

export const OUTLINES: readonly ReportOutline[] = [HUNAN, HEBEI];
export const DEFAULT_OUTLINE_ID = HUNAN.id;

/** The outline of a region (matched on the province name it contains), else the default. */
export function outlineForRegion(region: string | null | undefined): ReportOutline {
  if (region) {
    const found = OUTLINES.find((o) => o.regions.some((r) => region.includes(r)));
    if (found) return found;
  }
  return HUNAN;
}

export function findOutline(id: string): ReportOutline | undefined {
  return OUTLINES.find((o) => o.id === id);
}

/** Validates the unit's own section texts against an outline; returns Chinese problems naming the field. */
export function checkSectionTexts(
  outline: ReportOutline,
  texts: Record<string, unknown>,
  maxLength = 8000,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [id, text] of Object.entries(texts)) {
    const section = outline.sections.find((s) => s.id === id);
    if (!section) problems.push({ field: `sections.${id}`, message: `报告提纲“${outline.name}”没有“${id}”这一节` });
    else if (typeof text !== 'string')
      problems.push({ field: `sections.${id}`, message: `“${section.title}”的内容应为文字` });
    else if (text.length > maxLength)
      problems.push({
        field: `sections.${id}`,
        message: `“${section.title}”超过 ${maxLength} 字（现 ${text.length} 字）`,
      });
  }
  return problems;
}
