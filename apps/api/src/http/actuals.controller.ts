import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsDateString, IsInt, IsOptional, IsString, Min, MaxLength, ValidateNested } from 'class-validator';
import {
  ActualsQueries,
  EvidenceService,
  PeriodsService,
  QuarterReportsService,
  requestMonitoringTable,
} from '@selfeval/actuals';
import { QuarterSubmission } from '@selfeval/evaluation';
import { ContentStore, REPORT_STORE } from '@selfeval/db';
import { JobProducer } from '@selfeval/jobs';
import { decodeUploadName, DomainError, MAX_DOCUMENT_BYTES, MAX_EVIDENCE_BYTES } from '@selfeval/domain';
import { Actor, Allow, CurrentActor, RequestActor, scopedUnitIds } from '../auth/access.decorators';
import { expectedVersion } from './expected-version';
import { sendPdf } from './send-pdf';

const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

class SpendingDto {
  @IsString() source!: string;
  @Transform(asString) @IsString() amount!: string;
}
class AdjustmentDto {
  @Transform(asString) @IsString() amount!: string;
  @IsString() @MaxLength(1000) reason!: string;
}
class ValueDto {
  @IsString() indicatorId!: string;
  @IsOptional() @Transform(asString) @IsString() @MaxLength(200) value?: string;
  @IsOptional() @IsString() grade?: string;
  @IsOptional() @IsString() likelihood?: string;
  @IsOptional() @IsString() causeCategory?: string;
  @IsOptional() @IsString() @MaxLength(2000) causeText?: string;
}
class SaveReportDto {
  @IsArray() @ValidateNested({ each: true }) @Type(() => SpendingDto) spending!: SpendingDto[];
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => AdjustmentDto) adjustments?: AdjustmentDto[];
  @IsOptional() @IsString() @MaxLength(2000) overspendExplanation?: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ValueDto) values!: ValueDto[];
  /** the report's dataVersion the client read (0 before the first save), or send If-Match: a stale save answers 409 */
  @IsOptional() @IsInt() @Min(0) version?: number;
}
class ReasonDto {
  @IsString() @MaxLength(2000) reason!: string;
}
class PeriodDto {
  @IsDateString() opensAt!: string;
  @IsDateString() closesAt!: string;
}
class ReopenDto {
  @IsString() unitCode!: string;
  @IsString() @MaxLength(2000) reason!: string;
  @IsDateString() until!: string;
}

@Controller('api/actuals')
export class ActualsController {
  constructor(
    private readonly periods: PeriodsService,
    private readonly reports: QuarterReportsService,
    private readonly evidence: EvidenceService,
    private readonly queries: ActualsQueries,
    private readonly submission: QuarterSubmission,
    private readonly jobs: JobProducer,
    @Inject(REPORT_STORE) private readonly files: ContentStore,
  ) {}

  /** Renders the 绩效运行监控表 of a quarter (a worker job, once per data version); mail=1 also mails it. */
  @Post('sheets/:sheetId/periods/:period/monitoring-table')
  @Allow('reports.generate', { subject: 'sheet', param: 'sheetId' })
  async monitoringTable(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Query('mail') mail?: string,
  ) {
    const queued = await requestMonitoringTable(
      this.reports,
      this.jobs,
      sheetId,
      period,
      mail === '1' || mail === 'true',
    );
    return { queued: true, ...queued };
  }

  @Get('sheets/:sheetId/periods/:period/monitoring-table.pdf')
  @Allow('actuals.read', { subject: 'sheet', param: 'sheetId' })
  async monitoringTablePdf(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Res() res: Response,
  ) {
    const file = await this.queries.latestMonitoringTable(sheetId, period);
    if (!file) throw new DomainError('NOT_FOUND', '还没有生成绩效运行监控表', { field: 'period' });
    sendPdf(res, file, this.files);
  }

  @Put('periods/:year/:period')
  @Allow('targets.manage')
  setPeriod(
    @Param('year', ParseIntPipe) year: number,
    @Param('period') period: string,
    @Body() dto: PeriodDto,
    @Actor() actor: string,
  ) {
    return this.periods.setPeriod(year, period, new Date(dto.opensAt), new Date(dto.closesAt), actor);
  }

  @Post('periods/:year/:period/reopen')
  @Allow('targets.manage')
  reopen(
    @Param('year', ParseIntPipe) year: number,
    @Param('period') period: string,
    @Body() dto: ReopenDto,
    @Actor() actor: string,
  ) {
    return this.periods.reopen(dto.unitCode, year, period, dto.reason, new Date(dto.until), actor);
  }

  @Get('sheets/:sheetId/periods/:period')
  @Allow('actuals.read', { subject: 'sheet', param: 'sheetId' })
  async get(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Param('period') period: string) {
    const report = await this.reports.getReport(sheetId, period);
    if (!report) throw new DomainError('NOT_FOUND', '该报告期还没有填报内容', { field: 'period' });
    return report;
  }

  @Put('sheets/:sheetId/periods/:period')
  @Allow('actuals.write', { subject: 'sheet', param: 'sheetId' })
  save(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Body() dto: SaveReportDto,
    @Actor() actor: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { version, ...input } = dto;
    return this.reports.saveDraft(sheetId, period, input, actor, expectedVersion(version, ifMatch));
  }

  @Post('sheets/:sheetId/periods/:period/submit')
  @Allow('actuals.write', { subject: 'sheet', param: 'sheetId' })
  async submit(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Actor() actor: string,
  ) {
    return this.submission.submit(sheetId, period, actor);
  }

  @Post('sheets/:sheetId/periods/:period/confirm')
  @Allow('actuals.confirm', { subject: 'sheet', param: 'sheetId' })
  confirm(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Param('period') period: string, @Actor() actor: string) {
    return this.reports.confirm(sheetId, period, actor);
  }

  @Post('sheets/:sheetId/periods/:period/return')
  @Allow('actuals.confirm', { subject: 'sheet', param: 'sheetId' })
  returnReport(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Body() dto: ReasonDto,
    @Actor() actor: string,
  ) {
    return this.reports.returnReport(sheetId, period, dto.reason, actor);
  }

  @Get('sheets/:sheetId/periods/:period/workbook.xlsx')
  @Allow('actuals.read', { subject: 'sheet', param: 'sheetId' })
  async workbook(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @Res() res: Response,
  ) {
    const { bytes, fileName } = await this.reports.fillInWorkbook(sheetId, period);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
      .send(bytes);
  }

  @Post('sheets/:sheetId/periods/:period/workbook')
  @Allow('actuals.write', { subject: 'sheet', param: 'sheetId' })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_DOCUMENT_BYTES } }))
  upload(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Actor() actor: string,
  ) {
    if (!file) throw new DomainError('VALIDATION_FAILED', '请选择填报文件（字段名 file）', { field: 'file' });
    return this.reports.uploadWorkbook(sheetId, period, file.buffer, decodeUploadName(file.originalname), actor);
  }

  @Post('sheets/:sheetId/periods/:period/evidence')
  @Allow('actuals.write', { subject: 'sheet', param: 'sheetId' })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_EVIDENCE_BYTES } }))
  addEvidence(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('period') period: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Query('indicatorId') indicatorId: string | undefined,
    @Actor() actor: string,
  ) {
    if (!file) throw new DomainError('VALIDATION_FAILED', '请选择佐证材料文件（字段名 file）', { field: 'file' });
    return this.evidence.addEvidence(
      sheetId,
      period,
      file.buffer,
      decodeUploadName(file.originalname),
      indicatorId ?? null,
      actor,
    );
  }

  @Get('sheets/:sheetId/periods/:period/evidence')
  @Allow('actuals.read', { subject: 'sheet', param: 'sheetId' })
  listEvidence(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Param('period') period: string) {
    return this.evidence.listEvidence(sheetId, period);
  }

  /** Always a download with the sniffed type, never rendered inline (no stored HTML can run in the app's origin). */
  @Get('evidence/:id')
  @Allow('actuals.read', { subject: 'evidence', param: 'id' })
  async downloadEvidence(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    const { row, bytes } = await this.evidence.readEvidence(id);
    res
      .type(row.mime)
      .setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.fileName)}`)
      .setHeader('X-Content-Type-Options', 'nosniff')
      .setHeader('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(bytes);
  }

  @Get('audit/:entityId')
  @Allow('actuals.read', { subject: 'audit-entity', param: 'entityId' })
  audit(@Param('entityId', ParseUUIDPipe) entityId: string) {
    return this.queries.auditTrail(entityId);
  }

  @Get('board')
  @Allow('board.read')
  board(
    @CurrentActor() actor: RequestActor,
    @Query('year', ParseIntPipe) year: number,
    @Query('period') period: string,
  ) {
    return this.queries.board(year, period, scopedUnitIds(actor));
  }
}
