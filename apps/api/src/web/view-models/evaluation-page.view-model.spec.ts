import { DomainError, profileLabel, PROFILES } from '@selfeval/domain';
import { evaluationFieldErrors, formatDateTime } from './evaluation-page.view-model';

describe('evaluation page view model', () => {
  it('puts each problem of a refused form beside its field, and the whole message above the form', () => {
    const e = new DomainError(
      'VALIDATION_FAILED',
      '以下项目须填写……：预算执行率、“劝返率”',
      { field: 'explanations' },
      [
        { field: 'executionExplanation', message: '预算执行率须填写' },
        { field: 'explanations[abc]', message: '“劝返率”须填写' },
        { field: 'scores[def]', message: '超过分值' },
        { field: 'weights[ghi]', message: '分值应为非负数' },
        { field: 'reason', message: '退回须填写原因' },
      ],
    );
    expect(evaluationFieldErrors(e)).toEqual({
      errors: {
        executionExplanation: '预算执行率须填写',
        explanation_abc: '“劝返率”须填写',
        review_def: '超过分值',
        weight_ghi: '分值应为非负数',
        reason: '退回须填写原因',
      },
      formError: '以下项目须填写……：预算执行率、“劝返率”',
    });
  });

  it('shows a message that names no field of the page above the form', () => {
    const e = new DomainError('WORKFLOW_STATE', '自评得分正在计算，请稍后再提交', { field: 'scoreState' });
    expect(evaluationFieldErrors(e)).toEqual({ errors: {}, formError: '自评得分正在计算，请稍后再提交' });
  });

  it('labels scoring profiles in Chinese, without their internal ids', () => {
    const labels = PROFILES.map(profileLabel);
    expect(labels[0]).toBe('全国通用（财预〔2020〕10号 项目支出绩效自评）');
    for (const l of labels) expect(l).not.toMatch(/[A-Za-z]/);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('formats times in the users’ zone, not as a JS Date string', () => {
    expect(formatDateTime(new Date('2026-11-23T10:22:07Z'))).toBe('2026-11-23 18:22');
    expect(formatDateTime(null)).toBe('');
  });
});
