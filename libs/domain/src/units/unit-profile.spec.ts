import { checkUnitProfile, profileValueText, staffText } from './unit-profile';

describe('单位概况: the profile a unit fills on its page', () => {
  it('trims, empties to null, reads counts (also full-width digits) and keeps fields not posted out', () => {
    expect(
      checkUnitProfile({
        functions: '  受理信访事项。 ',
        organization: '',
        staffQuota: '１５',
        staffActual: 14,
        contactPhone: '0731－22881234 转 8012',
        contactEmail: 'lukou@example.gov.cn',
      }),
    ).toEqual({
      profile: {
        functions: '受理信访事项。',
        organization: null,
        staffQuota: 15,
        staffActual: 14,
        contactPhone: '0731－22881234 转 8012',
        contactEmail: 'lukou@example.gov.cn',
      },
      problems: [],
    });
  });

  it('names every bad field at once, in Chinese', () => {
    const { problems } = checkUnitProfile({
      functions: '职'.repeat(4001),
      staffQuota: '十五',
      staffActual: '-1',
      contactPerson: '张'.repeat(51),
      contactPhone: '打电话',
      contactEmail: 'lukou@',
    });
    expect(problems).toEqual([
      { field: 'functions', message: '“主要职能”不能超过 4000 字（现 4001 字）' },
      { field: 'staffQuota', message: '“编制数”应为不小于 0 的整数（人），现为“十五”' },
      { field: 'staffActual', message: '“实有人数”应为不小于 0 的整数（人），现为“-1”' },
      { field: 'contactPerson', message: '“联系人”不能超过 50 字（现 51 字）' },
      { field: 'contactPhone', message: '“联系电话”格式不正确，应如 0731-22881234 或 13900000000' },
      { field: 'contactEmail', message: '“联系邮箱”格式不正确，应如 name@example.gov.cn' },
    ]);
  });

  it('refuses addresses that are not one plain address (a mail header must not get two)', () => {
    for (const bad of ['a@b', 'a b@c.cn', 'a@b.cn, c@d.cn', '<a@b.cn>', 'a@b.cn\nBcc: x@y.cn'])
      expect(checkUnitProfile({ contactEmail: bad }).problems).toHaveLength(1);
    expect(checkUnitProfile({ contactEmail: 'xf.lukou@zhuzhou.gov.cn' }).problems).toEqual([]);
  });

  it('报告邮件附件 is a choice: one of its values, empty is the default 仅 PDF, anything else is refused by name', () => {
    expect(checkUnitProfile({ reportAttachments: 'with-copies' })).toEqual({
      profile: { reportAttachments: 'with-copies' },
      problems: [],
    });
    expect(checkUnitProfile({ reportAttachments: ' pdf ' }).profile).toEqual({ reportAttachments: 'pdf' });
    for (const empty of ['', null, '  '])
      expect(checkUnitProfile({ reportAttachments: empty }).profile).toEqual({ reportAttachments: 'pdf' });
    for (const bad of ['word', 'PDF', 'toString', '__proto__', 1]) {
      const { profile, problems } = checkUnitProfile({ reportAttachments: bad });
      expect(profile).toEqual({});
      expect(problems).toEqual([
        { field: 'reportAttachments', message: '“报告邮件附件”只能选择“仅 PDF”或“PDF 及 Word、Excel 副本”' },
      ]);
    }
    expect(checkUnitProfile({ reportAttachments: ['pdf'] }).problems).toEqual([
      { field: 'reportAttachments', message: '“报告邮件附件”应为文字' },
    ]);
    // not posted: not changed
    expect(checkUnitProfile({ contactPerson: '李华' }).profile).toEqual({ contactPerson: '李华' });
  });

  it('shows a choice by its label (audit, stale save) and other values as they are', () => {
    expect(profileValueText('reportAttachments', 'with-copies')).toBe('PDF 及 Word、Excel 副本');
    expect(profileValueText('reportAttachments', 'pdf')).toBe('仅 PDF');
    expect(profileValueText('staffQuota', 15)).toBe('15');
    expect(profileValueText('contactEmail', null)).toBeNull();
  });

  it('prints 人员情况 as the reports do: 编制数, 实有人数, then the unit’s own words', () => {
    expect(staffText({ staffQuota: 15, staffActual: 14, staffNotes: '退休人员 6 人。' })).toBe(
      '编制数 15 人，实有人数 14 人。退休人员 6 人。',
    );
    expect(staffText({ staffQuota: null, staffActual: 0, staffNotes: null })).toBe('实有人数 0 人。');
    expect(staffText({ staffQuota: null, staffActual: null, staffNotes: ' ' })).toBeNull();
  });
});
