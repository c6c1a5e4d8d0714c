import { officialSigns, withUnit } from './as-printed';

describe('as printed', () => {
  it('gives a bare number the unit of its quantitative target, and leaves everything else as written', () => {
    expect(withUnit('62', { kind: 'quantitative', unit: '人' })).toBe('62人');
    expect(withUnit(' 112.57 ', { kind: 'quantitative', unit: '万元' })).toBe('112.57万元');
    expect(withUnit('62人', { kind: 'quantitative', unit: '人' })).toBe('62人');
    expect(withUnit('约60', { kind: 'quantitative', unit: '人' })).toBe('约60');
    expect(withUnit('95', { kind: 'quantitative', unit: null })).toBe('95');
    expect(withUnit('达成', { kind: 'qualitative', unit: null })).toBe('达成');
    expect(withUnit('3', undefined)).toBe('3');
  });

  it('prints ⩾ ⩽ as the ≥ ≤ every form font has', () => {
    expect(officialSigns('⩾95%，⩽200.24万元')).toBe('≥95%，≤200.24万元');
  });
});
