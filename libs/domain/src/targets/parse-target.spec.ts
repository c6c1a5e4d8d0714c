import fc from 'fast-check';
import { joinTargetColumns, parseTarget } from './parse-target';

const q = (raw: string, ctx = {}) => {
  const r = parseTarget(raw, ctx);
  expect(r.targets).toHaveLength(1);
  return { ...r.targets[0], codes: r.warnings.map((w) => w.code) };
};

describe('parseTarget — quantitative strings from the seeds and domain.md §3', () => {
  it.each([
    ['≥25次', '>=', '25', '次'],
    ['≥ 5 次', '>=', '5', '次'],
    ['>=59人次', '>=', '59', '人次'],
    ['≧20000亩', '>=', '20000', '亩'],
    ['≦200.24万元', '<=', '200.24', '万元'],
    ['资金使用≦200.24万元', '<=', '200.24', '万元'],
    ['≤60天', '<=', '60', '天'],
    ['97%以上', '>=', '97', '%'],
    ['98%以上', '>=', '98', '%'],
    ['不低于95%', '>=', '95', '%'],
    ['不少于3次', '>=', '3', '次'],
    ['不超过5万元', '<=', '5', '万元'],
    ['100%', '=', '100', '%'],
    ['=100%', '=', '100', '%'],
    ['365天', '=', '365', '天'],
    ['8  个', '=', '8', '个'],
    ['100   %', '=', '100', '%'],
    ['≥95  %', '>=', '95', '%'],
    ['≥100百分比', '>=', '100', '%'],
    ['重大政治事件、群体性赴省进京上访事件≦0', '<=', '0', null],
    ['解决特殊疑难信访问题≥25次', '>=', '25', '次'],
    ['中央交办件、省级交办件及时办结率100%', '=', '100', '%'],
    ['12 个月', '=', '12', '个月'],
    ['≤1天', '<=', '1', '天'],
    ['9人', '=', '9', '人'],
    ['＞＝８０％', '>=', '80', '%'],
    ['≥１０个', '>=', '10', '个'],
    ['县级领导驻京信访维稳值班人数＝9人', '=', '9', '人'],
    ['确保值班人员到位率达到100%', '=', '100', '%'],
    ['确保年度内特殊疑难信访案件化解数≥10个', '>=', '10', '个'],
    ['60%以下', '<=', '60', '%'],
    ['小于5次', '<', '5', '次'],
    ['高于90%', '>', '90', '%'],
    ['2.000000万元', '=', '2', '万元'],
  ])('%s → %s %s %s', (raw, op, value, unit) => {
    expect(q(raw)).toMatchObject({ kind: 'quantitative', op, value, unit, raw: raw.trim() });
  });

  it('reads a cost row with no operator as ≤ and takes the money unit when none is given', () => {
    expect(q('2 万元', { cost: true })).toMatchObject({ op: '<=', value: '2', unit: '万元', codes: [] });
    expect(q('34万元', { cost: true })).toMatchObject({ op: '<=', value: '34', unit: '万元' });
    expect(q('1', { cost: true })).toMatchObject({ op: '<=', value: '1', unit: '万元', codes: ['VALUE_WITHOUT_UNIT'] });
    expect(q('0.5', { cost: true })).toMatchObject({
      op: '<=',
      value: '0.5',
      unit: '万元',
      codes: ['VALUE_WITHOUT_UNIT'],
    });
  });

  it('warns on a value without unit outside cost rows', () => {
    expect(q('0.5')).toMatchObject({ op: '=', value: '0.5', unit: null, codes: ['VALUE_WITHOUT_UNIT'] });
  });

  it('keeps a zero target', () => {
    expect(q('≤0件')).toMatchObject({ op: '<=', value: '0', unit: '件' });
    expect(q('=0')).toMatchObject({ op: '=', value: '0' });
  });

  it('reads the three-column layout (op / value / unit)', () => {
    expect(q(joinTargetColumns('≥', '264', '天'))).toMatchObject({ op: '>=', value: '264', unit: '天' });
    expect(q(joinTargetColumns('≤', '26.48', '万元'))).toMatchObject({ op: '<=', value: '26.48', unit: '万元' });
    expect(q(joinTargetColumns('定性', '高于市平均值', ''))).toMatchObject({
      kind: 'qualitative',
      text: '高于市平均值',
    });
  });

  it('takes the lower bound of a range and warns', () => {
    expect(q('90%-100%')).toMatchObject({ op: '>=', value: '90', unit: '%', codes: ['RANGE_TARGET'] });
  });
});

describe('parseTarget — compound, qualitative and not-a-target', () => {
  it('splits two targets in one cell and warns', () => {
    const r = parseTarget('制作宣传展板≥3 个，印制宣传折页≥10000 份');
    expect(r.targets).toEqual([
      { raw: '制作宣传展板≥3个', kind: 'quantitative', op: '>=', value: '3', unit: '个' },
      { raw: '印制宣传折页≥10000份', kind: 'quantitative', op: '>=', value: '10000', unit: '份' },
    ]);
    expect(r.warnings.map((w) => w.code)).toEqual(['COMPOUND_TARGET_SPLIT']);
    expect(r.warnings[0].message).toContain('已拆分为 2 个指标');
  });

  it.each(['社会稳定', '有积极作用', '效率明显提高', '高于市平均值', '提升', '信访秩序良好', '全年实施', '维稳'])(
    'keeps qualitative text %s without warning',
    (raw) => {
      expect(q(raw)).toMatchObject({ kind: 'qualitative', text: raw, codes: [] });
    },
  );

  it('warns when a quantity name stands where the target belongs', () => {
    expect(q('全年各级交办重点信访事项数量')).toMatchObject({ kind: 'qualitative', codes: ['NOT_A_TARGET'] });
    expect(q('全年实施', { level2: '数量指标' })).toMatchObject({ kind: 'qualitative', codes: ['NOT_A_TARGET'] });
  });

  it('warns on an empty cell', () => {
    expect(q('  ')).toMatchObject({ kind: 'qualitative', text: '', codes: ['TARGET_MISSING'] });
  });

  it('reads a deadline written as prose as a date, not a number', () => {
    expect(q('2021 年 12 月底前完成')).toMatchObject({ kind: 'date', op: '<=', value: '2021-12-31' });
  });
});

describe('parseTarget — properties', () => {
  it('never throws and always returns at least one target with the raw text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.constantFrom('≥', '≦', '%', '万元', '以上', '１２', '，'),
        ),
        (s) => {
          const r = parseTarget(s);
          expect(r.targets.length).toBeGreaterThan(0);
          for (const t of r.targets) {
            if (t.kind === 'quantitative') expect(t.value).toMatch(/^-?\d+(\.\d+)?$/);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips any generated operator/number/unit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(['≥', '>='], ['≤', '<='], ['', '='], ['不低于', '>='], ['不超过', '<=']),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom('次', '人', '%', '万元', '个', '天'),
        ([sym, op], int, frac, unit) => {
          const value = frac ? `${int}.${String(frac).padStart(2, '0').replace(/0+$/, '')}` : String(int);
          const t = parseTarget(`${sym}${value}${unit}`).targets[0];
          expect(t).toMatchObject({ kind: 'quantitative', op, value, unit });
        },
      ),
    );
  });
});
