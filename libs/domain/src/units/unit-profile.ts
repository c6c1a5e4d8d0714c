/**
 * 单位概况 (issue 13, 15): what the unit says about itself — 主要职能, 机构设置, 人员情况 — for section 一
 * 部门基本情况 of the 自评报告, and who to contact (联系人, 联系电话, 联系邮箱: reminders and report mail).
 * Pure: the checks and the text the report prints.
 */
export interface UnitProfile {
  /** 主要职能 */
  functions: string | null;
  /** 机构设置 */
  organization: string | null;
  /** 编制数（人） */
  staffQuota: number | null;
  /** 实有人数（人） */
  staffActual: number | null;
  /** 人员情况, in the unit's words (退休人员, 编外 …) */
  staffNotes: string | null;
  contactPerson: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  /** 报告邮件附件: the PDF only, or the PDF and its Word/Excel copies */
  reportAttachments: ReportAttachments;
}

export type UnitProfileField = keyof UnitProfile;

/** 报告邮件附件 (issue 15): the report mail carries the PDF, and on request its Word/Excel copies after it. */
export const REPORT_ATTACHMENT_CHOICES = { pdf: '仅 PDF', 'with-copies': 'PDF 及 Word、Excel 副本' } as const;
export type ReportAttachments = keyof typeof REPORT_ATTACHMENT_CHOICES;

interface FieldRule {
  label: string;
  kind: 'text' | 'count' | 'phone' | 'email' | 'choice';
  /** characters for text; digits for a count; the longest value for a choice */
  max: number;
  /** a choice: its values and their Chinese labels, the first one the default (an empty post picks it) */
  choices?: Readonly<Record<string, string>>;
}

/** Every field of the profile form: its Chinese label, what it holds and its length limit. */
export const UNIT_PROFILE_FIELDS: Record<UnitProfileField, FieldRule> = {
  functions: { label: '主要职能', kind: 'text', max: 4000 },
  organization: { label: '机构设置', kind: 'text', max: 4000 },
  staffQuota: { label: '编制数', kind: 'count', max: 6 },
  staffActual: { label: '实有人数', kind: 'count', max: 6 },
  staffNotes: { label: '人员情况说明', kind: 'text', max: 2000 },
  contactPerson: { label: '联系人', kind: 'text', max: 50 },
  contactPhone: { label: '联系电话', kind: 'phone', max: 40 },
  contactEmail: { label: '联系邮箱', kind: 'email', max: 200 },
  reportAttachments: { label: '报告邮件附件', kind: 'choice', max: 20, choices: REPORT_ATTACHMENT_CHOICES },
};

/** A stored value as people read it: a choice by its label, anything else as it is. */
export function profileValueText(field: UnitProfileField, value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const choices = UNIT_PROFILE_FIELDS[field].choices;
  return choices?.[String(value)] ?? String(value);
}

// one address, no spaces or angle brackets (it goes into a mail header), a dot in the domain
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;
// 0731-22881234, 139 0000 0000, (0731)22881234 转 8012, +86 …
const PHONE = /^[+＋]?[0-9０-９()（）\-－\s]{5,}(\s*(转|-|ext\.?)\s*[0-9]{1,6})?$/i;

/** Full-width digits, as an IME types them, read as ASCII. */
const halfWidth = (s: string) => s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/**
 * Reads a posted profile (strings from a form or JSON values): trims, empties to null, counts to integers.
 * Every problem is returned at once, each naming its field in Chinese; `profile` is valid only when
 * `problems` is empty. Fields not present in `input` are left out of `profile` (not changed).
 */
export function checkUnitProfile(input: Record<string, unknown>): {
  profile: Partial<UnitProfile>;
  problems: { field: UnitProfileField; message: string }[];
} {
  const profile: Partial<Record<UnitProfileField, string | number | null>> = {};
  const problems: { field: UnitProfileField; message: string }[] = [];
  for (const [field, rule] of Object.entries(UNIT_PROFILE_FIELDS) as [UnitProfileField, FieldRule][]) {
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
      problems.push({ field, message: `“${rule.label}”应为文字` });
      continue;
    }
    const text = raw === null ? '' : String(raw).trim();
    const choices = rule.choices;
    if (choices) {
      const values = Object.keys(choices);
      if (!text) profile[field] = values[0];
      else if (Object.hasOwn(choices, text)) profile[field] = text;
      else
        problems.push({
          field,
          message: `“${rule.label}”只能选择${values.map((v) => `“${choices[v]}”`).join('或')}`,
        });
      continue;
    }
    if (!text) {
      profile[field] = null;
      continue;
    }
    if (rule.kind === 'count') {
      const digits = halfWidth(text);
      if (!new RegExp(`^\\d{1,${rule.max}}$`).test(digits))
        problems.push({ field, message: `“${rule.label}”应为不小于 0 的整数（人），现为“${text}”` });
      else profile[field] = Number(digits);
      continue;
    }
    if (text.length > rule.max) {
      problems.push({ field, message: `“${rule.label}”不能超过 ${rule.max} 字（现 ${text.length} 字）` });
      continue;
    }
    if (rule.kind === 'email' && !EMAIL.test(text)) {
      problems.push({ field, message: `“${rule.label}”格式不正确，应如 name@example.gov.cn` });
      continue;
    }
    if (rule.kind === 'phone' && !PHONE.test(text)) {
      problems.push({ field, message: `“${rule.label}”格式不正确，应如 0731-22881234 或 13900000000` });
      continue;
    }
    profile[field] = rule.kind === 'phone' ? halfWidth(text) : text;
  }
  return { profile: profile as Partial<UnitProfile>, problems };
}

/** 人员情况 as a report prints it: 编制数 and 实有人数 when given, then the unit's own words. */
export function staffText(p: Pick<UnitProfile, 'staffQuota' | 'staffActual' | 'staffNotes'>): string | null {
  const counts = [
    p.staffQuota !== null ? `编制数 ${p.staffQuota} 人` : null,
    p.staffActual !== null ? `实有人数 ${p.staffActual} 人` : null,
  ].filter(Boolean);
  const notes = p.staffNotes?.trim();
  const parts = [counts.length ? `${counts.join('，')}。` : '', notes ?? ''].join('');
  return parts || null;
}

/** What section 一 部门基本情况 prints when the unit has not filled its profile: what to fill and where. */
export const UNIT_PROFILE_MISSING =
  '（单位未填写单位概况：请在绩效自评系统“单位概况”页填写主要职能、机构设置和人员情况，再重新生成本报告）';
