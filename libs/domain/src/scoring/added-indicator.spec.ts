import { checkAddedIndicator } from './added-indicator';

describe('an indicator added at year end (department sheets)', () => {
  it('reads the target as a person writes it and keeps the actual as the Q4 value stores it', () => {
    const r = checkAddedIndicator({
      level1: '产出指标',
      level2: '数量指标',
      name: ' 解决特殊疑难信访问题 ',
      target: '≥25次',
      actual: '28次',
      weight: '',
    });
    expect(r).toEqual({
      ok: true,
      indicator: expect.objectContaining({
        name: '解决特殊疑难信访问题',
        target: expect.objectContaining({ kind: 'quantitative', op: '>=', value: '25', unit: '次' }),
        valueRaw: '28次',
        valueNum: '28',
        weight: null,
      }),
    });
    const words = checkAddedIndicator({
      level1: '效益指标',
      level2: '社会效益指标',
      name: '信访秩序',
      target: '信访秩序良好',
      actual: '信访秩序良好',
      weight: '15',
    });
    expect(words).toMatchObject({ ok: true, indicator: { target: { kind: 'qualitative' }, weight: '15' } });
    expect(checkAddedIndicator({ ...okInput(), target: '提升', actual: '达成预期指标' }).ok).toBe(true);
  });

  const okInput = () => ({ level1: '效益指标', level2: '社会效益指标', name: 'a', target: '≥95%', actual: '96%' });

  it('names every field it refuses, in Chinese', () => {
    const r = checkAddedIndicator({ level1: '产出', level2: '', name: '', target: '', actual: '', weight: 'x' });
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual(['level1', 'name', 'target', 'actual', 'weight']);
    const level2 = checkAddedIndicator({ ...okInput(), level2: '数量指标' });
    expect(level2.ok ? null : level2.errors[0]).toEqual({
      field: 'level2',
      message: '“效益指标”下的二级指标须为：经济效益指标、社会效益指标、生态效益指标、可持续影响指标',
    });
    const unit = checkAddedIndicator({ ...okInput(), actual: '3次' });
    expect(unit.ok ? null : unit.errors[0].field).toBe('actual');
    const word = checkAddedIndicator({ ...okInput(), target: '有效提升', actual: '较好' });
    expect(word.ok ? null : word.errors[0].message).toMatch(
      /^定性指标的实际完成值须与年度指标值一致，或为以下评价之一：达成/,
    );
    expect(checkAddedIndicator({ ...okInput(), name: '名'.repeat(101) }).ok).toBe(false);
  });
});
