import { Module } from '@nestjs/common';
import { ReportHandlers } from './report.handlers';

/** Worker-only: Chromium lives here, never in the API. */
@Module({ providers: [ReportHandlers] })
export class ReportsModule {}
