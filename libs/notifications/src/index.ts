export * from './notifications.module';
export * from './reminder.handlers';
export * from './report-mail.handlers';
export * from './robot-webhook.handlers';
