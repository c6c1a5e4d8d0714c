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

describe('parseTarget — measure words, look-alike operators, dates (properties)', () => {
  const OPS: [string, string][] = [
    ['', '='],
    ['≥', '>='],
    ['>=', '>='],
    ['≧', '>='],
    ['›=', '>='],
    ['=>', '>='],
    ['不低于', '>='],
    ['≤', '<='],
    ['<=', '<='],
    ['‹=', '<='],
    ['=<', '<='],
    ['＜＝', '<='],
    ['不高于', '<='],
    ['控制在', '<='],
    ['=', '='],
    ['═', '='],
    ['＝', '='],
  ];
  const UNITS = [
    '组',
    '例',
    '吨',
    '公斤',
    '厘米',
    'M',
    'Mbps',
    '工作日',
    '个工作日',
    '万平方米',
    '元/户',
    '元/人·月',
    '元/人·天',
    '万元/个',
    '次/周',
    '人次',
    '%',
    '万粒',
  ];
  const number = fc
    .tuple(fc.integer({ min: 0, max: 1899 }), fc.integer({ min: 0, max: 99 }))
    .map(([i, f]) => (f ? `${i}.${String(f).padStart(2, '0').replace(/0+$/, '')}` : String(i)));
  // any CJK character may be a measure word, except the few that are words around a number
  const cjk = fc
    .integer({ min: 0x4e00, max: 0x9fa5 })
    .map((c) => String.fromCharCode(c))
    .filter((c) => !/[以及之左上下内前后至到或和与的为是且等]/.test(c));

  it('never turns "number + measure word" into qualitative, whatever the operator', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPS), number, fc.oneof(fc.constantFrom(...UNITS), cjk), (op, n, unit) => {
        const r = parseTarget(`${op[0]}${n}${unit}`);
        expect(r.targets).toHaveLength(1);
        expect(r.targets[0]).toMatchObject({ kind: 'quantitative', op: op[1], value: n });
        if (UNITS.includes(unit)) expect(r.targets[0]).toMatchObject({ unit });
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on strings built from target fragments', () => {
    const piece = fc.constantFrom(
      '≥',
      '═',
      '‹=',
      '=<',
      '万',
      '元/',
      '·',
      '月',
      '年',
      '底前',
      '-',
      '.',
      '，',
      '%',
      '以上',
      '每年',
      '2025',
      '12',
      '31日',
      '～',
      '--',
      ' ',
      '\t',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string(), number), { maxLength: 12 }), (parts) => {
        const r = parseTarget(parts.join(''));
        expect(r.targets.length).toBeGreaterThan(0);
        for (const t of r.targets) if (t.kind !== 'qualitative') expect(typeof t.value).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it('reads deadlines as dates, never as numbers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.constantFrom('', '前', '之前', '前完成', '底前', '底前完成资金拨付'),
        (y, m, d, tail) => {
          const mm = String(m).padStart(2, '0');
          const dd = String(d).padStart(2, '0');
          if (tail.startsWith('底')) {
            const t = parseTarget(`${y}年${m}月${tail}`).targets[0];
            expect(t).toMatchObject({ kind: 'date', op: '<=' });
            expect(t.kind === 'date' && t.value.startsWith(`${y}-${mm}-`)).toBe(true);
            expect(parseTarget(`每年${m}月${tail}`).targets[0]).toMatchObject({ kind: 'date', recurring: true });
          } else {
            expect(parseTarget(`${y}年${m}月${d}日${tail}`).targets[0]).toMatchObject({
              kind: 'date',
              value: `${y}-${mm}-${dd}`,
            });
            expect(parseTarget(`${y}.${mm}.${dd}`).targets[0]).toMatchObject({
              kind: 'date',
              value: `${y}-${mm}-${dd}`,
            });
          }
        },
      ),
    );
  });

  it.each([
    ['10月底前', 'date', '--10-31'],
    ['每年12月底前', 'date', '--12-31'],
    ['2025年底', 'date', '2025-12-31'],
    ['2025年12月31日', 'date', '2025-12-31'],
    ['2024.03-2024.11', 'period', '2024-03/2024-11'],
    ['2025年1月-12月', 'period', '2025-01/2025-12'],
    ['1-12月', 'period', '--01/--12'],
  ])('%s is a %s (%s), not "≥" a number', (raw, kind, value) => {
    expect(q(raw)).toMatchObject({ kind, value });
  });

  it('reads a bare month as a deadline only on a 时效 row', () => {
    expect(q('10月', { level2: '时效指标' })).toMatchObject({ kind: 'date', value: '--10-31', codes: ['DATE_GUESS'] });
    expect(q('10月')).toMatchObject({ kind: 'quantitative', value: '10', unit: '月' });
  });

  it('reads 180万 as 万元 on a money row and warns; elsewhere keeps 万 and warns', () => {
    expect(q('180万', { cost: true })).toMatchObject({ unit: '万元', op: '<=', codes: ['AMBIGUOUS_UNIT'] });
    expect(q('180万', { level2: '数量指标' })).toMatchObject({ unit: '万', op: '=', codes: ['AMBIGUOUS_UNIT'] });
  });

  it('warns on a number inside a sentence instead of dropping it', () => {
    expect(q('至少全年完成2次宣传')).toMatchObject({
      kind: 'quantitative',
      op: '>=',
      value: '2',
      codes: ['TARGET_IN_TEXT'],
    });
  });

  it('reads ═ as =, with a warning, also on a cost row', () => {
    expect(q('═100%', { cost: true })).toMatchObject({ op: '=', value: '100', codes: ['LOOKALIKE_OPERATOR'] });
    expect(q('不高于5万元')).toMatchObject({ op: '<=', value: '5', unit: '万元' });
    expect(q('控制在250万元以内')).toMatchObject({ op: '<=', value: '250', unit: '万元' });
  });
});
