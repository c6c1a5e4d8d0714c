import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { ContentStore, ReportFileEntity, SelfEvaluationEntity, TargetSheetEntity, UnitEntity } from '@selfeval/db';
import { HandlesJob, Job, JobPayload, JobResult } from '@selfeval/jobs';
import { MailService } from '@selfeval/mail';

@Injectable()
export class ReportMailHandlers {
  private readonly store: ContentStore;

  constructor(private readonly ds: DataSource, private readonly mail: MailService, @Inject(APP_CONFIG) config: AppConfig) {
    this.store = new ContentStore(path.join(config.dataDir, 'reports'));
  }

  /** Each report version reaches each recipient once: the delivery key is file + recipient. */
  @HandlesJob(Job.MailReport)
  async mailReport({ reportFileId }: JobPayload[Job.MailReport]): Promise<JobResult[Job.MailReport]> {
    const file = await this.ds.getRepository(ReportFileEntity).findOneBy({ id: reportFileId });
    if (!file) throw new UnrecoverableError(`report file ${reportFileId} not found`);
    const ev = await this.ds.getRepository(SelfEvaluationEntity).findOneByOrFail({ id: file.evaluationId });
    const sheet = await this.ds.getRepository(TargetSheetEntity).findOneByOrFail({ id: ev.sheetId });
    const unit = await this.ds.getRepository(UnitEntity).findOneByOrFail({ id: sheet.unitId });
    if (!unit.contactEmail) throw new UnrecoverableError(`单位“${unit.name}”未设置联系邮箱，无法发送报告`);
    const outcome = await this.mail.sendOnce({
      dedupeKey: `report-${file.id}-${unit.contactEmail}`,
      to: unit.contactEmail,
      subject: `【绩效自评】${sheet.year}年度${sheet.kind === 'department' ? '部门整体支出' : `“${sheet.name}”`}绩效自评表`,
      text: [
        `${unit.name}：`,
        '',
        `附件为${sheet.year}年度${sheet.kind === 'department' ? '部门整体支出' : `项目“${sheet.name}”`}绩效自评表（PDF），自评得分 ${ev.total} 分，等级“${ev.grade}”。`,
        '',
        '（本邮件由系统自动发送，请勿回复。）',
      ].join('\n'),
      attachments: [{ filename: file.fileName, content: this.store.read(file.sha256), contentType: 'application/pdf' }],
    });
    return outcome === 'sent' ? { sent: 1, skipped: 0 } : { sent: 0, skipped: 1 };
  }
}
