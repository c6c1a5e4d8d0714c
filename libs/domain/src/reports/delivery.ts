import type { ReportKind } from './kinds';

/**
 * Delivery of a generated report by mail (the year-end page shows it per document). `sending` with an
 * error is a failed attempt that the mail job retries; `failed` is final until someone resends.
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  failed: '发送失败',
};

/** The reason recorded when the unit has no address: the report is generated, the mail cannot go. */
export const NO_CONTACT_EMAIL = '单位未设置联系邮箱';

/** The Word and Excel copies of each year-end document (libs/reports/src/exports); the PDF is always there. */
export const REPORT_FORMATS = ['pdf', 'docx', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_FORMAT_LABELS: Record<ReportFormat, string> = { pdf: 'PDF', docx: 'Word', xlsx: 'Excel' };

export const REPORT_FORMAT_MIME: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Which copies a document kind has besides its PDF: the 自评表 as Word and Excel, the 自评报告 as Word. */
export function copyFormatsOf(kind: ReportKind): Exclude<ReportFormat, 'pdf'>[] {
  if (kind === 'project-self-eval' || kind === 'department-self-eval') return ['docx', 'xlsx'];
  if (kind === 'department-report') return ['docx'];
  return [];
}

/** The PDF's file name with another extension: 株洲市渌口区信访局-2026年度部门整体支出绩效自评报告.docx. */
export function copyFileName(pdfName: string, format: ReportFormat): string {
  return `${pdfName.replace(/\.pdf$/i, '')}.${format}`;
}

/** What a nodemailer (SMTP) error means for the people who read it, and whether trying again can help. */
export interface MailFailure {
  reason: string;
  /** the server refused for good (5xx, bad address): retrying the same mail cannot succeed */
  permanent: boolean;
}

interface SmtpErrorLike {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/**
 * An SMTP failure summarised in Chinese, with the server's own answer (its first line, trimmed) for the
 * administrator who has to talk to the mail server's owner.
 */
export function mailFailureReason(error: unknown, recipient: string): MailFailure {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  const answer = (typeof e.response === 'string' ? e.response : '').split(/\r?\n/)[0].trim().slice(0, 160);
  const said = answer ? `（服务器答复：${answer}）` : '';
  if (code === 'EAUTH')
    return { reason: `邮件服务器拒绝登录，请检查 SMTP_URL 中的用户名和密码${said}`, permanent: true };
  if (status !== null && status >= 500) {
    const toRecipient = code === 'EENVELOPE' || [550, 551, 553, 501].includes(status);
    return {
      reason: toRecipient
        ? `邮件服务器拒收，收件地址 ${recipient} 可能有误或不存在${said}`
        : `邮件服务器拒绝发送${said}`,
      permanent: true,
    };
  }
  if (status !== null && status >= 400) return { reason: `邮件服务器暂时无法接收${said}`, permanent: false };
  const messages: Record<string, string> = {
    ETIMEDOUT: '连接邮件服务器超时',
    EDNS: '找不到邮件服务器（域名无法解析），请检查 SMTP_URL',
    ETLS: '与邮件服务器建立加密连接失败',
    ECONNECTION: '无法连接邮件服务器',
    ESOCKET: '与邮件服务器的连接中断',
    EENVELOPE: `收件地址 ${recipient} 无效`,
  };
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === 'EENVELOPE') return { reason: `${messages.EENVELOPE}${said}`, permanent: true };
  if (code && messages[code]) return { reason: messages[code], permanent: false };
  if (/ECONNREFUSED/.test(message)) return { reason: messages.ECONNECTION, permanent: false };
  return { reason: `邮件发送失败${message ? `：${message.slice(0, 160)}` : ''}`, permanent: false };
}
