import { Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { MailService } from './mail.service';

/** Worker-only: the API never sends mail itself, it enqueues jobs. */
@Module({
  providers: [
    {
      provide: MailService,
      inject: [DataSource, APP_CONFIG],
      useFactory: (ds: DataSource, c: AppConfig) => new MailService(ds, c),
    },
  ],
  exports: [MailService],
})
export class MailModule implements OnApplicationShutdown {
  constructor(private readonly mail: MailService) {}
  onApplicationShutdown() {
    this.mail.close();
  }
}
