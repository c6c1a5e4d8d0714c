import { Inject, Injectable, Logger } from '@nestjs/common';
import { Job as BullJob, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  AUTO_DELIVERY,
  CLOCK,
  Clock,
  ContentStore,
  ensureAutoDelivery,
  findSheetAndUnit,
  monitoringResult,
  QuarterReportEntity,
  REPORT_STORE,
  reportCopies,
  ReportDeliveryEntity,
  ReportFileEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import {
  copyFormatsOf,
  Light,
  LIGHT_LABELS,
  mailFailureReason,
  NO_CONTACT_EMAIL,
  REPORT_FORMAT_LABELS,
  REPORT_FORMAT_MIME,
  REPORT_KIND_TITLES,
  ReportFormat,
  ReportKind,
} from '@selfeval/domain';
import { HandlesJob, Job, JobPayload, JobProducer, JobResult, RetryLater } from '@selfeval/jobs';
import { queueRobotNotice } from './robot-webhook.handlers';
import { MailService } from '@selfeval/mail';

/** What the evaluation page offers for download, as the robot notice names it: PDF、Word、Excel. */
const formatsOffered = (kind: ReportKind) =>
  (['pdf', ...copyFormatsOf(kind)] as ReportFormat[]).map((f) => REPORT_FORMAT_LABELS[f]).join('、');

@Injectable()
export class ReportMailHandlers {
  private readonly logger = new Logger(ReportMailHandlers.name);

  constructor(
    private readonly ds: DataSource,
    private readonly mail: MailService,
    private readonly jobs: JobProducer,
    @Inject(REPORT_STORE) private readonly store: ContentStore,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /**
   * One delivery of a rendered report: the generation's own (one mail per file and recipient) or a
   * resend (a mail of its own). Its state is written on the report_delivery row as it goes: 发送中,
   * 已发送 with the recipient, or 发送失败 with the reason in Chinese. A unit without an e-mail address
   * is a recorded failure, not a failed job: the report itself is there to download.
   */
  @HandlesJob(Job.MailReport)
  async mailReport(
    { reportFileId, deliveryId }: JobPayload[Job.MailReport],
    job?: BullJob,
  ): Promise<JobResult[Job.MailReport]> {
    const file = await this.ds.getRepository(ReportFileEntity).findOneBy({ id: reportFileId });
    if (!file) throw new UnrecoverableError(`report file ${reportFileId} not found`);
    const deliveries = this.ds.getRepository(ReportDeliveryEntity);
    const delivery = deliveryId
      ? await deliveries.findOneBy({ id: deliveryId, reportFileId })
      : await ensureAutoDelivery(this.ds, reportFileId, this.now());
    if (!delivery) throw new UnrecoverableError(`delivery ${deliveryId} of report file ${reportFileId} not found`);
    if (delivery.status === 'sent') return { sent: 0, skipped: 1, failed: 0 };
    const { sheet, unit, summary } = await this.subjectOf(file);
    const title = `${sheet.year}年度${sheet.kind === 'department' ? '' : `“${sheet.name}”`}${REPORT_KIND_TITLES[file.kind]}`;
    const auto = delivery.requestKey === AUTO_DELIVERY;
    // the group hears that the report is ready even when no mail address is set (once per file, not per resend)
    if (auto)
      await queueRobotNotice(
        this.jobs,
        unit,
        `robot-report-${file.id}`,
        `【绩效自评】${unit.name}：${title}已生成。${summary}\n请登录绩效自评系统下载（${formatsOffered(file.kind)}）。`,
      );
    if (!unit.contactEmail) {
      await deliveries.update(delivery.id, {
        status: 'failed',
        recipient: null,
        error: NO_CONTACT_EMAIL,
        finishedAt: this.now(),
      });
      this.logger.warn(`${unit.name}：${title}未发送：${NO_CONTACT_EMAIL}`);
      return { sent: 0, skipped: 0, failed: 1 };
    }
    const to = unit.contactEmail;
    // the generation's own mail keeps its historic key (one per file and recipient); a resend is a mail of its own
    const mailKey = auto ? `report-${file.id}-${to}` : `report-${file.id}-resend-${delivery.id}`;
    await deliveries.update(delivery.id, {
      status: 'sending',
      recipient: to,
      mailKey,
      attempts: delivery.attempts + 1,
    });
    let outcome: 'sent' | 'skipped';
    try {
      const attachments = await this.attachmentsOf(file, unit);
      outcome = await this.mail.sendOnce({
        dedupeKey: mailKey,
        to,
        subject: `【绩效自评】${title}`,
        body: {
          text: [
            `${unit.name}：`,
            '',
            `附件为${title}（${attachments.map((a) => a.label).join('、')}）。${summary}`,
            '',
            '附件：',
            ...attachments.map((a) => `${a.label}：${a.filename}`),
            '',
            '（本邮件由系统自动发送，请勿回复。）',
          ].join('\n'),
          attachments: attachments.map(({ filename, content, contentType }) => ({ filename, content, contentType })),
        },
      });
    } catch (e) {
      if (e instanceof RetryLater) throw e; // another process is sending it: the delivery stays 发送中
      const { reason, permanent } = mailFailureReason(e, to);
      // BullMQ tries again with backoff: until the last attempt the delivery stays 发送中 with the reason beside it
      const final = permanent || !job || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await deliveries.update(delivery.id, {
        status: final ? 'failed' : 'sending',
        error: reason,
        finishedAt: final ? this.now() : null,
      });
      throw permanent ? new UnrecoverableError(reason) : e;
    }
    await deliveries.update(delivery.id, { status: 'sent', error: null, finishedAt: this.now() });
    return outcome === 'sent' ? { sent: 1, skipped: 0, failed: 0 } : { sent: 0, skipped: 1, failed: 0 };
  }

  /**
   * The PDF, then — when the unit's 报告邮件附件 asks for them (read at send time, so a resend follows the
   * setting as it is now) — the Word/Excel copies stored with this file, in the order the page lists them.
   */
  private async attachmentsOf(
    file: ReportFileEntity,
    unit: UnitEntity,
  ): Promise<{ label: string; filename: string; content: Buffer; contentType: string }[]> {
    const pdf = { format: 'pdf' as ReportFormat, fileName: file.fileName, sha256: file.sha256 };
    const copies =
      unit.reportAttachments === 'with-copies'
        ? (await reportCopies(this.ds, [file.id]))
            .filter((c) => copyFormatsOf(file.kind).includes(c.format))
            .sort((a, b) => copyFormatsOf(file.kind).indexOf(a.format) - copyFormatsOf(file.kind).indexOf(b.format))
        : [];
    return [pdf, ...copies].map((d) => ({
      label: REPORT_FORMAT_LABELS[d.format],
      filename: d.fileName,
      content: this.store.read(d.sha256),
      contentType: REPORT_FORMAT_MIME[d.format],
    }));
  }

  private async subjectOf(
    file: ReportFileEntity,
  ): Promise<{ sheet: TargetSheetEntity; unit: UnitEntity; summary: string }> {
    let sheetId: string;
    let summary = '';
    if (file.quarterReportId) {
      const report = await this.ds.getRepository(QuarterReportEntity).findOneByOrFail({ id: file.quarterReportId });
      const lights = await monitoringResult(this.ds, report.id);
      sheetId = report.sheetId;
      if (lights)
        summary = `资金执行预警：${LIGHT_LABELS[lights.spendingLight as Light] ?? lights.spendingLight}；指标预警：${LIGHT_LABELS[lights.indicatorLight as Light] ?? lights.indicatorLight}。`;
    } else if (file.evaluationId) {
      const ev = await this.ds.getRepository(SelfEvaluationEntity).findOneByOrFail({ id: file.evaluationId });
      sheetId = ev.sheetId;
      summary = `自评得分 ${ev.total} 分，等级“${ev.grade}”。`;
    } else throw new UnrecoverableError(`report file ${file.id} belongs to nothing`);
    return { ...(await findSheetAndUnit(this.ds, sheetId)), summary };
  }
}
