import { Module } from '@nestjs/common';
import { MailModule } from '@selfeval/mail';
import { ActualsModule } from '@selfeval/actuals';
import { ReminderHandlers } from './reminder.handlers';
import { ReportMailHandlers } from './report-mail.handlers';
import { PasswordResetHandlers } from './password-reset.handlers';
import { RobotWebhookHandlers } from './robot-webhook.handlers';

/** Worker-only: mail and group-robot notices that follow from reporting data (reminders, reports). */
@Module({
  imports: [ActualsModule, MailModule],
  providers: [ReminderHandlers, ReportMailHandlers, PasswordResetHandlers, RobotWebhookHandlers],
})
export class NotificationsModule {}
