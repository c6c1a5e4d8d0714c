import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { issueResetToken, RESET_TOKEN_MINUTES } from '@selfeval/auth';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { UserAccountEntity } from '@selfeval/db';
import { HandlesJob, Job, JobPayload, JobResult } from '@selfeval/jobs';
import { MailService } from '@selfeval/mail';

/**
 * The token is made here, in the worker, right before the mail: the API enqueues only the user and
 * a request id, so the token exists nowhere but in the database (as a hash) and in the mail.
 */
@Injectable()
export class PasswordResetHandlers {
  constructor(
    private readonly ds: DataSource,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @HandlesJob(Job.MailPasswordReset)
  async mailReset({ userId, requestId }: JobPayload[Job.MailPasswordReset]): Promise<JobResult[Job.MailPasswordReset]> {
    const dedupeKey = `password-reset-${requestId}`;
    const user = await this.ds.getRepository(UserAccountEntity).findOneBy({ id: userId, active: true });
    if (!user?.email) throw new UnrecoverableError(`user ${userId} is inactive or has no e-mail address`);
    const outcome = await this.mail.sendOnce({
      dedupeKey,
      to: user.email,
      subject: '【绩效自评】重置密码',
      // issued only once this worker holds the mail: a retry after it went out, or a second worker while it is
      // going out, must not issue a token nobody receives (and retire the mailed one)
      body: async () => {
        const issued = await issueResetToken(this.ds, userId);
        if (!issued) throw new UnrecoverableError(`user ${userId} was deactivated or lost the e-mail address`);
        const link = `${this.config.publicUrl}/password-reset?token=${issued.token}`;
        return {
          text: [
            `${issued.user.displayName}（${issued.user.username}）：`,
            '',
            `有人申请重置您在绩效自评系统的密码。请在 ${RESET_TOKEN_MINUTES} 分钟内打开下面的链接设置新密码（只能使用一次）：`,
            link,
            '',
            '设置新密码后，您在所有设备上的登录都会失效，需要重新登录。',
            '如果不是您本人申请，请忽略本邮件，您的密码不会改变。',
            '',
            '（本邮件由系统自动发送，请勿回复。）',
          ].join('\n'),
        };
      },
    });
    return outcome;
  }
}
