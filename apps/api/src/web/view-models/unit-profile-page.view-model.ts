import { can, Role, UNIT_PROFILE_FIELDS, UnitProfileField } from '@selfeval/domain';
import type { UnitProfileView } from '@selfeval/targets';
import type { Form } from './quarter-page.view-model';
import { formVersion, staleFields } from './stale-save';

/** How each field is typed on the page, and what the unit is asked to write. */
const INPUTS: Record<
  UnitProfileField,
  { type: 'textarea' | 'text' | 'number' | 'tel' | 'email' | 'select'; hint: string }
> = {
  functions: { type: 'textarea', hint: '按“三定”方案概括本单位的主要职能，印在自评报告“一、部门基本情况”中' },
  organization: { type: 'textarea', hint: '内设机构、下属单位（如“内设办公室等 3 个股室，下设事业单位 1 个”）' },
  staffQuota: { type: 'number', hint: '核定编制人数' },
  staffActual: { type: 'number', hint: '年末实有在职人数' },
  staffNotes: { type: 'textarea', hint: '其他人员情况，如退休人员、编外聘用人员' },
  contactPerson: { type: 'text', hint: '绩效自评工作联系人' },
  contactPhone: { type: 'tel', hint: '如 0731-22881234' },
  contactEmail: { type: 'email', hint: '截止提醒和自评报告发送到这个邮箱' },
  reportAttachments: {
    type: 'select',
    hint: '自评报告邮件总是附 PDF；选择副本时另附 Word 版和 Excel 版（自评表），便于修改和汇总',
  },
};

const GROUPS: { legend: string; fields: UnitProfileField[] }[] = [
  { legend: '部门基本情况（自评报告第一部分）', fields: ['functions', 'organization'] },
  { legend: '人员情况', fields: ['staffQuota', 'staffActual', 'staffNotes'] },
  { legend: '联系人', fields: ['contactPerson', 'contactPhone', 'contactEmail'] },
  { legend: '报告邮件', fields: ['reportAttachments'] },
];

const asText = (v: string | number | null) => (v === null ? '' : String(v));

/** The 单位概况 page: the form (typed values after an error or a stale save), errors beside their fields. */
export function buildUnitProfilePageVM(src: {
  profile: UnitProfileView;
  role: Role;
  form?: Form;
  errors?: Map<string, string>;
  stale?: boolean;
  saved?: string;
}) {
  const { profile, form, errors } = src;
  const value = (f: UnitProfileField) => form?.[f] ?? asText(profile[f]);
  return {
    unit: { id: profile.unitId, code: profile.code, name: profile.name, parentName: profile.parentName },
    editable: can(src.role, 'evaluation.write'),
    version: formVersion(profile.version, form, !!src.stale),
    stale:
      src.stale && form
        ? staleFields(
            form,
            (Object.keys(UNIT_PROFILE_FIELDS) as UnitProfileField[]).map((f) => ({
              label: UNIT_PROFILE_FIELDS[f].label,
              name: f,
              stored: asText(profile[f]),
            })),
          ).map((d) => {
            // a choice side by side by its labels, as the select shows them
            const choices = Object.values(UNIT_PROFILE_FIELDS).find((r) => r.label === d.label)?.choices;
            return choices ? { ...d, stored: choices[d.stored] ?? d.stored, typed: choices[d.typed] ?? d.typed } : d;
          })
        : null,
    formId: 'profile-form',
    discardHref: `/units/${profile.unitId}/profile`,
    groups: GROUPS.map((g) => ({
      legend: g.legend,
      fields: g.fields.map((f) => ({
        name: f,
        label: UNIT_PROFILE_FIELDS[f].label,
        hint: INPUTS[f].hint,
        textarea: INPUTS[f].type === 'textarea',
        // counts as text with a numeric keypad: a number input would send "十五" as empty, not as an error
        type: INPUTS[f].type === 'number' ? 'text' : INPUTS[f].type,
        numeric: INPUTS[f].type === 'number',
        select: INPUTS[f].type === 'select',
        options: Object.entries(UNIT_PROFILE_FIELDS[f].choices ?? {}).map(([v, label]) => ({
          value: v,
          label,
          selected: v === value(f),
        })),
        value: value(f),
        error: errors?.get(f) ?? null,
      })),
    })),
    saved: src.saved === '1',
  };
}
