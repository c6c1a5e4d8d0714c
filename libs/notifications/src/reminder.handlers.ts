import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { PERIOD_NAME } from '@selfeval/domain';
import { HandlesJob, Job, JobPayload, JobProducer, JobResult } from '@selfeval/jobs';
import { MailService } from '@selfeval/mail';
import { ActualsQueries } from '@selfeval/actuals';
import { CLOCK, Clock, UnitEntity } from '@selfeval/db';
import { DataSource, In } from 'typeorm';
import { queueRobotNotice } from './robot-webhook.handlers';

const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10); // 北京时间

@Injectable()
export class ReminderHandlers implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReminderHandlers.name);

  constructor(
    private readonly actuals: ActualsQueries,
    private readonly mail: MailService,
    private readonly jobs: JobProducer,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** One scheduler for the whole deployment: upsert is idempotent across workers and restarts. */
  async onApplicationBootstrap() {
    await this.jobs.schedule('daily-reminders', Job.SendReminders, {}, { pattern: '0 0 8 * * *', tz: 'Asia/Shanghai' });
  }

  @HandlesJob(Job.SendReminders)
  async sendReminders({ at }: JobPayload[Job.SendReminders]): Promise<JobResult[Job.SendReminders]> {
    const now = at ? new Date(at) : this.now();
    const pending = await this.actuals.pendingReminders(now, this.config.reminderDays);
    const units = new Map(
      (pending.length
        ? await this.ds.getRepository(UnitEntity).findBy({ id: In(pending.map((r) => r.unitId)) })
        : []
      ).map((u) => [u.id, u]),
    );
    let sent = 0;
    let skipped = 0;
    for (const r of pending) {
      const subject = `【绩效运行监控】${r.year}年${PERIOD_NAME[r.period]}填报将于 ${day(r.closesAt)} 截止（${r.unitName}）`;
      const body = [
        `${r.year} 年${PERIOD_NAME[r.period]}绩效运行监控填报将于 ${day(r.closesAt)} 截止，以下绩效目标表尚未提交：`,
        ...r.sheets.map((s, i) => `  ${i + 1}. ${s}`),
        '',
        '请登录绩效自评系统填报累计执行数和指标完成值，并由单位负责人确认。',
      ];
      // once per unit and period: a unit is reminded, not nagged daily
      const dedupeKey = `reminder-${r.unitId}-${r.year}-${r.period}`;
      // the group robot is queued first: a mail server that is down does not hold it back
      const unit = units.get(r.unitId);
      if (unit) await queueRobotNotice(this.jobs, unit, `robot-${dedupeKey}`, [subject, ...body].join('\n'));
      // a unit reached only by its group robot gets no mail
      if (!r.email) continue;
      const outcome = await this.mail.sendOnce({
        dedupeKey,
        to: r.email,
        subject,
        body: { text: [`${r.unitName}：`, '', ...body, '', '（本邮件由系统自动发送，请勿回复。）'].join('\n') },
      });
      if (outcome === 'sent') sent++;
      else skipped++;
    }
    if (sent) this.logger.log(`reminders sent: ${sent}, already sent before: ${skipped}`);
    return { sent, skipped };
  }
}
