import { DomainError, formatDateTime, profileLabel, PROFILES } from '@selfeval/domain';
import type { ReportDeliveryOverview } from '@selfeval/evaluation';
import { deliveryText, evaluationFieldErrors, reportAreaVM } from './evaluation-page.view-model';

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

  it('says what happened to each mailing: recipient and time, or the reason; a retry in progress says so', () => {
    const base = {
      label: '',
      recipient: null,
      error: null,
      requestedAt: new Date('2026-12-03T07:00:00Z'),
      finishedAt: null,
      resend: false,
    };
    expect(
      deliveryText({
        ...base,
        status: 'sent',
        label: '已发送',
        recipient: 'lukou@example.gov.cn',
        finishedAt: new Date('2026-12-03T07:45:10Z'),
      }),
    ).toEqual({ label: '已发送', detail: '（lukou@example.gov.cn，2026-12-03 15:45）', status: 'sent' });
    expect(deliveryText({ ...base, status: 'failed', label: '发送失败', error: '单位未设置联系邮箱' })).toEqual({
      label: '发送失败',
      detail: '（单位未设置联系邮箱）',
      status: 'failed',
    });
    expect(deliveryText({ ...base, status: 'sending', label: '发送中', error: '无法连接邮件服务器' }).detail).toBe(
      '（上次尝试失败：无法连接邮件服务器；系统将自动重试）',
    );
    expect(deliveryText(null)).toMatchObject({ label: '未发送' });
  });

  it('offers every format of every document with its generation time, never a version; resend only when nothing is in flight', () => {
    const overview: ReportDeliveryOverview = {
      unit: { id: 'u1', name: '渌口区信访局', contactEmail: null },
      inFlight: false,
      allCurrent: true,
      documents: [
        {
          kind: 'department-report',
          title: '部门整体支出绩效自评报告',
          createdAt: new Date('2026-12-03T07:45:00Z'),
          current: true,
          formats: [
            { format: 'pdf', label: 'PDF', fileName: 'a.pdf', size: 1 },
            { format: 'docx', label: 'Word', fileName: 'a.docx', size: 1 },
          ],
          delivery: null,
        },
      ],
    };
    const opts = { canGenerate: true, canResend: true, nonce: 'n-123456789', error: null };
    const vm = reportAreaVM('s1', overview, opts);
    expect(vm.documents[0].createdAt).toBe('2026-12-03 15:45');
    expect(vm.documents[0].formats.map((f) => f.href)).toEqual([
      '/api/evaluations/s1/report.pdf?kind=department-report',
      '/api/evaluations/s1/report.docx?kind=department-report',
    ]);
    expect(vm).toMatchObject({ noEmail: true, profileHref: '/units/u1/profile#contactEmail', canGenerate: false });
    expect(vm.canResend).toBe(true);
    expect(reportAreaVM('s1', { ...overview, inFlight: true }, opts).canResend).toBe(false);
    expect(reportAreaVM('s1', { ...overview, allCurrent: false }, opts).canGenerate).toBe(true);
    expect(reportAreaVM('s1', overview, { ...opts, canResend: false }).canResend).toBe(false);
    expect(reportAreaVM('s1', null, opts)).toMatchObject({ documents: [], canResend: false, noEmail: false });
  });
});
