import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  ContentStore,
  findSheet,
  findUnit,
  monitoringResult,
  QuarterReportEntity,
  REPORT_STORE,
  ReportFileEntity,
  SelfEvaluationEntity,
  TargetSheetEntity,
  UnitEntity,
} from '@selfeval/db';
import { Light, LIGHT_LABELS, REPORT_KIND_TITLES } from '@selfeval/domain';
import { HandlesJob, Job, JobPayload, JobProducer, JobResult } from '@selfeval/jobs';
import { queueRobotNotice } from './robot-webhook.handlers';
import { MailService } from '@selfeval/mail';

@Injectable()
export class ReportMailHandlers {
  constructor(
    private readonly ds: DataSource,
    private readonly mail: MailService,
    private readonly jobs: JobProducer,
    @Inject(REPORT_STORE) private readonly store: ContentStore,
  ) {}

  /** Each report version reaches each recipient once: the delivery key is file + recipient. */
  @HandlesJob(Job.MailReport)
  async mailReport({ reportFileId }: JobPayload[Job.MailReport]): Promise<JobResult[Job.MailReport]> {
    const file = await this.ds.getRepository(ReportFileEntity).findOneBy({ id: reportFileId });
    if (!file) throw new UnrecoverableError(`report file ${reportFileId} not found`);
    const { sheet, unit, summary } = await this.subjectOf(file);
    const title = `${sheet.year}年度${sheet.kind === 'department' ? '' : `“${sheet.name}”`}${REPORT_KIND_TITLES[file.kind]}`;
    // the group hears that the report is ready even when no mail address is set
    await queueRobotNotice(
      this.jobs,
      unit,
      `robot-report-${file.id}`,
      `【绩效自评】${unit.name}：${title}已生成。${summary}\n请登录绩效自评系统下载 PDF。`,
    );
    if (!unit.contactEmail) throw new UnrecoverableError(`单位“${unit.name}”未设置联系邮箱，无法发送报告`);
    const what = title;
    const outcome = await this.mail.sendOnce({
      dedupeKey: `report-${file.id}-${unit.contactEmail}`,
      to: unit.contactEmail,
      subject: `【绩效自评】${what}`,
      text: [`${unit.name}：`, '', `附件为${what}（PDF）。${summary}`, '', '（本邮件由系统自动发送，请勿回复。）'].join(
        '\n',
      ),
      attachments: [{ filename: file.fileName, content: this.store.read(file.sha256), contentType: 'application/pdf' }],
    });
    return outcome === 'sent' ? { sent: 1, skipped: 0 } : { sent: 0, skipped: 1 };
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
    const sheet = await findSheet(this.ds, sheetId);
    const unit = await findUnit(this.ds, sheet.unitId);
    return { sheet, unit, summary };
  }
}
