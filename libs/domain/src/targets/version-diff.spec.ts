import { diffHeader, diffIndicators, VersionIndicator } from './version-diff';

let n = 0;
const ind = (name: string, targetRaw: string, more: Partial<VersionIndicator> = {}): VersionIndicator => ({
  id: `i${++n}`,
  level1: '产出指标',
  level2: '数量指标',
  name,
  targetRaw,
  targetKind: 'quantitative',
  targetUnit: targetRaw.replace(/^[^0-9]*[0-9.]+/, '') || null,
  weight: null,
  ...more,
});

describe('diffIndicators — which new indicator takes over what was reported (目标调整)', () => {
  it('matches by 一级/二级/三级, lists a changed target, an added and a removed indicator', () => {
    const a = ind('成功劝返上访群众', '≥70人');
    const b = ind('协调处理率', '≥90%', { level2: '质量指标' });
    const c = ind('驻京劝返工作组人员', '≥3人');
    const a2 = ind('成功劝返上访群众', '≥80人');
    const c2 = ind('驻京劝返工作组人员', '≥3人');
    const d2 = ind('驻京值守天数', '≥300天');
    const diff = diffIndicators([a, b, c], [c2, a2, d2]);
    expect(diff.added.map((i) => i.name)).toEqual(['驻京值守天数']);
    expect(diff.removed.map((i) => i.name)).toEqual(['协调处理率']);
    expect(diff.changed).toEqual([
      expect.objectContaining({
        old: a,
        new: a2,
        fields: [{ label: '指标值', old: '≥70人', new: '≥80人' }],
        carries: true,
      }),
    ]);
    expect([...diff.carry]).toEqual([
      [a.id, a2.id],
      [c.id, c2.id],
    ]);
    expect([...diff.dropped]).toEqual([[b.id, '新版本中没有该指标']]);
  });

  it('follows a row moved to another 二级 when its name is unique in both versions', () => {
    const a = ind('应急处置响应时效率', '≥95%', { level2: '时效指标' });
    const a2 = ind('应急处置响应时效率', '≥95%', { level2: '质量指标' });
    const diff = diffIndicators([a], [a2]);
    expect(diff.carry.get(a.id)).toBe(a2.id);
    expect(diff.changed[0].fields).toEqual([{ label: '指标类别', old: '产出指标/时效指标', new: '产出指标/质量指标' }]);
  });

  it('does not guess between two rows of the same name elsewhere', () => {
    const a = ind('满意度', '≥80%', { level2: '社会效益' });
    const x = ind('满意度', '≥90%', { level2: '服务对象满意度' });
    const y = ind('满意度', '≥85%', { level2: '其他' });
    const diff = diffIndicators([a], [x, y]);
    expect(diff.removed).toEqual([a]);
    expect(diff.added).toEqual([x, y]);
  });

  it('keeps no value when the unit or the kind of target changed', () => {
    const a = ind('培训人数', '≥100人');
    const a2 = ind('培训人数', '≥95%');
    const b = ind('群众评价', '≥90%');
    const b2 = ind('群众评价', '好评', { targetKind: 'qualitative', targetUnit: null });
    const diff = diffIndicators([a, b], [a2, b2]);
    expect(diff.carry.size).toBe(0);
    expect([...diff.dropped.values()]).toEqual(['计量单位由“人”改为“%”', '指标值类型由定量改为定性']);
    expect(diff.changed.map((c) => c.carries)).toEqual([false, false]);
  });

  it('ignores whitespace in names and reports nothing for identical versions', () => {
    const a = ind('网上来信、来访 及网上投诉', '≥300件');
    const a2 = ind('网上来信、来访及网上投诉', '≥300件');
    const diff = diffIndicators([a], [a2]);
    expect(diff).toMatchObject({ added: [], removed: [], changed: [] });
    expect(diff.carry.get(a.id)).toBe(a2.id);
  });
});

describe('diffHeader — money, spending plan and goal', () => {
  it('compares money as written numbers and names each row in Chinese', () => {
    const changes = diffHeader(
      { budget: { total: '60.000000', fiscal: '60' }, spendingPlan: [{ month: 6, percent: '50' }], goal: '甲' },
      { budget: { total: '65', fiscal: '60.00' }, spendingPlan: [{ month: 6, percent: '50.0' }], goal: '甲' },
    );
    expect(changes).toEqual([{ label: '资金总额（万元）', old: '60', new: '65' }]);
  });

  it('lists a new plan and a changed goal', () => {
    const changes = diffHeader(
      { budget: {}, spendingPlan: [], goal: '甲' },
      { budget: { project: '10' }, spendingPlan: [{ month: 12, percent: '100' }], goal: '乙' },
    );
    expect(changes).toEqual([
      { label: '项目支出（万元）', old: '（无）', new: '10' },
      { label: '资金支出计划', old: '（无）', new: '12月100%' },
      { label: '年度绩效目标', old: '甲', new: '乙' },
    ]);
  });
});
