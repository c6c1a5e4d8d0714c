import { Module } from '@nestjs/common';
import { MailModule } from '@selfeval/mail';
import { ActualsModule } from '@selfeval/actuals';
import { ReminderHandlers } from './reminder.handlers';
import { ReportMailHandlers } from './report-mail.handlers';
import { PasswordResetHandlers } from './password-reset.handlers';

/** Worker-only: mail that follows from reporting data (reminders now; reports with issue 6). */
@Module({
  imports: [ActualsModule, MailModule],
  providers: [ReminderHandlers, ReportMailHandlers, PasswordResetHandlers],
})
export class NotificationsModule {}
