import { copyFileName, copyFormatsOf, mailFailureReason } from './delivery';

describe('report delivery', () => {
  it('names the copies of each year-end document after its PDF', () => {
    expect(copyFormatsOf('project-self-eval')).toEqual(['docx', 'xlsx']);
    expect(copyFormatsOf('department-report')).toEqual(['docx']);
    expect(copyFormatsOf('monitoring-table')).toEqual([]);
    expect(copyFileName('株洲市渌口区信访局-2026年度部门整体支出绩效自评报告.pdf', 'docx')).toBe(
      '株洲市渌口区信访局-2026年度部门整体支出绩效自评报告.docx',
    );
  });

  // the shapes nodemailer 6 gives its errors (lib/smtp-connection): code, responseCode, response
  it('says in Chinese why a mail failed, with the server answer, and whether a retry can help', () => {
    const rejected = mailFailureReason(
      Object.assign(new Error("Can't send mail - all recipients were rejected"), {
        code: 'EENVELOPE',
        responseCode: 550,
        response: '550 5.1.1 <nobody@example.gov.cn>: Recipient address rejected\r\nsecond line',
      }),
      'nobody@example.gov.cn',
    );
    expect(rejected).toEqual({
      reason:
        '邮件服务器拒收，收件地址 nobody@example.gov.cn 可能有误或不存在（服务器答复：550 5.1.1 <nobody@example.gov.cn>: Recipient address rejected）',
      permanent: true,
    });
    expect(
      mailFailureReason(
        Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 451, response: '451 try later' }),
        'a@b.cn',
      ),
    ).toEqual({ reason: '邮件服务器暂时无法接收（服务器答复：451 try later）', permanent: false });
    expect(
      mailFailureReason(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }), 'a@b.cn'),
    ).toEqual({ reason: '与邮件服务器的连接中断', permanent: false });
    expect(mailFailureReason(new Error('connect ECONNREFUSED 127.0.0.1:25'), 'a@b.cn').reason).toBe(
      '无法连接邮件服务器',
    );
    expect(
      mailFailureReason(
        Object.assign(new Error('Invalid login'), {
          code: 'EAUTH',
          responseCode: 535,
          response: '535 5.7.8 Error: authentication failed',
        }),
        'a@b.cn',
      ),
    ).toEqual({
      reason:
        '邮件服务器拒绝登录，请检查 SMTP_URL 中的用户名和密码（服务器答复：535 5.7.8 Error: authentication failed）',
      permanent: true,
    });
    expect(mailFailureReason('boom', 'a@b.cn')).toEqual({ reason: '邮件发送失败：boom', permanent: false });
  });
});
