import { parseTarget } from '../targets/parse-target';
import { mergeReportInput, missingForSubmission, StoredReportData, validateQuarterReport } from './quarter-report';

const t = (raw: string) => parseTarget(raw).targets[0];
const INDICATORS = [
  { id: 'n', name: '维稳值班人数', target: t('≥9人') },
  { id: 'q', name: '社会稳定', target: t('社会稳定') },
];
const STORED: StoredReportData = {
  spending: [{ source: '财政拨款', amount: '41' }],
  adjustments: [{ amount: '5', reason: '追加驻京值班经费' }],
  overspendExplanation: '驻京值班延长',
  values: [
    {
      indicatorId: 'n',
      valueRaw: '9人',
      grade: null,
      likelihood: '确定能',
      causeCategory: '经费保障',
      causeText: '值班延长',
    },
    { indicatorId: 'q', valueRaw: null, grade: '达成年度指标', likelihood: null, causeCategory: null, causeText: null },
  ],
};

describe('a save on top of the stored report (mergeReportInput)', () => {
  it('keeps every field the input leaves out: adjustments, explanation, spending, other indicators', () => {
    const merged = mergeReportInput({ values: [{ indicatorId: 'n', value: '10人' }] }, STORED);
    expect(merged).toEqual({
      spending: STORED.spending,
      adjustments: STORED.adjustments,
      overspendExplanation: '驻京值班延长',
      values: [
        {
          indicatorId: 'n',
          value: '10人',
          grade: undefined,
          likelihood: '确定能',
          causeCategory: '经费保障',
          causeText: '值班延长',
        },
        {
          indicatorId: 'q',
          value: undefined,
          grade: '达成年度指标',
          likelihood: undefined,
          causeCategory: undefined,
          causeText: undefined,
        },
      ],
    });
    // the merged report is still valid: the overspend stays explained, the budget adjusted
    const checked = validateQuarterReport(merged, { budgetTotal: '40', indicators: INDICATORS });
    expect(checked.errors).toEqual([]);
    expect(checked.adjustedBudget).toBe('45');
  });

  it('clears what the input sends empty', () => {
    const merged = mergeReportInput(
      {
        adjustments: [],
        overspendExplanation: '',
        values: [{ indicatorId: 'n', value: '', likelihood: '', causeCategory: '', causeText: '' }],
      },
      STORED,
    );
    expect(merged.adjustments).toEqual([]);
    expect(merged.overspendExplanation).toBe('');
    expect(merged.values[0]).toEqual({
      indicatorId: 'n',
      value: '',
      grade: undefined,
      likelihood: '',
      causeCategory: '',
      causeText: '',
    });
    // 41 above the unadjusted 40 without an explanation: refused, naming the field
    const checked = validateQuarterReport(merged, { budgetTotal: '40', indicators: INDICATORS });
    expect(checked.errors.map((e) => e.field)).toEqual(['overspendExplanation']);
  });

  it('treats the value and the grade as one answer', () => {
    const merged = mergeReportInput({ values: [{ indicatorId: 'q', grade: '' }] }, STORED);
    expect(merged.values[0]).toMatchObject({ value: undefined, grade: '' });
  });

  it('is the input itself when nothing is stored', () => {
    const input = { values: [] };
    expect(mergeReportInput(input, null)).toBe(input);
  });
});

describe('completeness before submission (missingForSubmission)', () => {
  it('names the spending and each indicator without its value or grade, by the row that holds it', () => {
    expect(
      missingForSubmission(
        {
          spending: [],
          values: [
            { indicatorId: 'q', valueRaw: '社会稳定', grade: null },
            { indicatorId: 'n', valueRaw: ' ', grade: null },
          ],
        },
        INDICATORS,
      ),
    ).toEqual([
      { field: 'spending', message: '尚未填写累计执行数（没有支出请填 0）' },
      { field: 'values[1].value', message: '“维稳值班人数”尚未填写完成值' },
      { field: 'values[0].grade', message: '“社会稳定”尚未选择评价等级' },
    ]);
  });
  it('names an indicator without a row under values, and passes a complete report', () => {
    expect(missingForSubmission({ spending: [{ amount: '0' }], values: [] }, INDICATORS.slice(0, 1))).toEqual([
      { field: 'values', message: '“维稳值班人数”尚未填写完成值' },
    ]);
    expect(
      missingForSubmission(
        {
          spending: [{ amount: '0' }],
          values: [
            { indicatorId: 'n', valueRaw: '3人', grade: null },
            { indicatorId: 'q', valueRaw: null, grade: '达成年度指标' },
          ],
        },
        INDICATORS,
      ),
    ).toEqual([]);
  });
});
