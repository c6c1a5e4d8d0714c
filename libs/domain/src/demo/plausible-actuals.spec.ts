import { parseTarget } from '../targets/parse-target';
import { validateQuarterReport } from '../monitoring/quarter-report';
import { D } from '../scoring/decimal';
import { plausibleQuarters, seededRandom } from './plausible-actuals';

const PLAN = [
  { month: 3, percent: '25' },
  { month: 6, percent: '50' },
  { month: 10, percent: '75' },
  { month: 12, percent: '100' },
];
const INDICATORS = ['≥25次', '100%', '≤200.24万元', '≦0', '社会稳定', '97%以上', '≤60天'].map((raw, k) => ({
  id: `i${k}`,
  target: parseTarget(raw).targets[0],
}));

describe('plausible demo actuals', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = plausibleQuarters(seededRandom('demo-1'), '72.4', PLAN, INDICATORS);
    expect(plausibleQuarters(seededRandom('demo-1'), '72.4', PLAN, INDICATORS)).toEqual(a);
    expect(plausibleQuarters(seededRandom('demo-2'), '72.4', PLAN, INDICATORS)).not.toEqual(a);
  });

  it('produces reports the quarterly validation accepts, with spending that never decreases and never exceeds the budget', () => {
    for (let s = 0; s < 200; s++) {
      const q = plausibleQuarters(seededRandom(`seed-${s}`), '72.4', PLAN, INDICATORS);
      let before = new D(0);
      for (const p of ['Q1', 'Q2', 'Q3', 'Q4'] as const) {
        const v = validateQuarterReport(q[p], {
          budgetTotal: '72.4',
          indicators: INDICATORS.map((i) => ({ ...i, name: i.id })),
        });
        expect({ s, p, errors: v.errors }).toEqual({ s, p, errors: [] });
        expect(new D(v.spentTotal).gte(before)).toBe(true);
        expect(new D(v.spentTotal).lte('72.4')).toBe(true);
        before = new D(v.spentTotal);
      }
    }
  });

  it('gives a cause wherever a year-end value falls short', () => {
    const q4 = plausibleQuarters(seededRandom('causes'), '10', PLAN, INDICATORS).Q4;
    for (const v of q4.values) if (v.likelihood === '有可能') expect(v.causeCategory).toBeTruthy();
  });
});

describe('plausible qualitative actuals', () => {
  it('grades an actual equal to its target 达成, and writes a different value when it falls short', () => {
    const target = { raw: '社会稳定', kind: 'qualitative' as const, text: '社会稳定' };
    let shortSeen = 0;
    for (let seed = 0; seed < 60; seed++) {
      const q4 = plausibleQuarters(seededRandom(`q${seed}`), '100', [], [{ id: 'x', target }]).Q4.values[0];
      if (q4.value === target.text) expect(q4.grade).toBe('达成年度指标');
      else {
        shortSeen++;
        expect(q4).toMatchObject({ value: '基本完成（社会稳定）', grade: '部分达成年度指标并具有一定效果' });
      }
    }
    expect(shortSeen).toBeGreaterThan(0);
  });
});
