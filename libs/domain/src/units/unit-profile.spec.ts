import { checkUnitProfile, staffText } from './unit-profile';

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

  it('prints 人员情况 as the reports do: 编制数, 实有人数, then the unit’s own words', () => {
    expect(staffText({ staffQuota: 15, staffActual: 14, staffNotes: '退休人员 6 人。' })).toBe(
      '编制数 15 人，实有人数 14 人。退休人员 6 人。',
    );
    expect(staffText({ staffQuota: null, staffActual: 0, staffNotes: null })).toBe('实有人数 0 人。');
    expect(staffText({ staffQuota: null, staffActual: null, staffNotes: ' ' })).toBeNull();
  });
});
