import { can, outlineForRegion, Role, SectionSource, sheetLabel } from '@selfeval/domain';
import type { TargetSheetEntity, UnitEntity } from '@selfeval/db';
import type { EvaluationService } from '@selfeval/evaluation';
import type { Form } from './quarter-page.view-model';
import { formVersion, staleFields } from './stale-save';

/** What the system itself writes into each kind of section, so the unit knows what its words add to. */
const AUTO: Record<SectionSource, string> = {
  'unit-profile': '系统按“单位概况”页写入主要职能、机构设置和人员情况，并写入年度预算总额；此处可补充年度主要工作等。',
  'general-budget': '系统写入预算资金总额、收支构成、全年执行数和执行率，以及项目支出明细表；此处可补充说明。',
  'fund-budget': '系统写入政府性基金预算（没有的写明“无”）；此处可补充说明。',
  performance: '系统写入部门整体和各项目的自评得分、等级、执行率及两张图；此处可补充目标完成情况的分析。',
  problems: '系统列出扣分指标及其偏差原因分析（在年度自评页填写）；此处可补充其他问题。',
  measures: '系统摘录各指标说明中的“改进措施”；此处可补充措施、责任人和完成时限。',
  text: '本节全部由单位填写；不填则报告印“（单位未填写本节内容）”。',
};

export const SECTION_FIELD = (id: string) => `section_${id}`;

/** The 自评报告正文 page: one box per section of the unit's outline, typed values kept after an error. */
export function buildReportTextPageVM(src: {
  sheet: TargetSheetEntity & { unit?: UnitEntity };
  ev: Awaited<ReturnType<EvaluationService['get']>> | null;
  role: Role;
  /** the department sheet of the same unit and year, for a project sheet's page */
  departmentSheetId?: string | null;
  form?: Form;
  errors?: Map<string, string>;
  stale?: boolean;
  saved?: string;
}) {
  const { sheet, ev, form } = src;
  const outline = outlineForRegion(sheet.unit?.region);
  const stored = ev?.reportTexts ?? {};
  const status = ev?.status ?? 'draft';
  const open = status === 'draft' || status === 'returned';
  return {
    sheet: { id: sheet.id, name: sheetLabel(sheet), year: sheet.year, unit: sheet.unit?.name, unitId: sheet.unitId },
    department: sheet.kind === 'department',
    departmentSheetId: src.departmentSheetId ?? null,
    status,
    closedReason: open
      ? null
      : status === 'approved'
        ? '自评已审核通过，报告正文不能再修改；如需修改，请评审人先重新打开自评。'
        : '自评已提交评审，评审人退回后才能修改报告正文。',
    editable: can(src.role, 'evaluation.write') && open && sheet.status === 'approved',
    version: formVersion(ev?.dataVersion ?? 0, form, !!src.stale),
    stale:
      src.stale && form
        ? staleFields(
            form,
            outline.sections.map((s) => ({ label: s.title, name: SECTION_FIELD(s.id), stored: stored[s.id] ?? '' })),
          )
        : null,
    formId: 'report-text-form',
    discardHref: `/sheets/${sheet.id}/report-text`,
    sections: outline.sections.map((s) => ({
      id: s.id,
      name: SECTION_FIELD(s.id),
      title: s.title,
      prompt: s.prompt,
      auto: AUTO[s.source],
      profileLink: s.source === 'unit-profile',
      ownOnly: s.source === 'text',
      value: form?.[SECTION_FIELD(s.id)] ?? stored[s.id] ?? '',
      error: src.errors?.get(s.id) ?? null,
    })),
    saved: src.saved === '1',
  };
}
