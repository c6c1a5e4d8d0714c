import {
  Body,
  Controller,
  Get,
  HttpStatus,
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
import { IsArray, IsDateString, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
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
import { Actor, Allow, CurrentActor, RequestActor, scopedUnitIds, SHEET, SheetId } from '../auth/access.decorators';
import { expectedVersion, IfMatch } from './expected-version';
import { sendAttachment, sendPdf, XLSX_MIME } from './send-pdf';
import { asString, VersionField } from './dto-fields';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CAUSE_CATEGORIES, FUND_SOURCES, GRADES, LIKELIHOODS } from '@selfeval/domain';
import { ApiErrors, ApiSignedInErrors } from '../openapi/error-response';

class SpendingDto {
  @ApiProperty({ description: '资金来源', enum: FUND_SOURCES, example: '财政拨款' })
  @IsString()
  source!: string;
  @ApiProperty({ description: '累计执行数（万元，十进制字符串）', example: '123.45' })
  @Transform(asString)
  @IsString()
  amount!: string;
}
class AdjustmentDto {
  @ApiProperty({ description: '预算调整金额（万元，可为负）', example: '-10.5' })
  @Transform(asString)
  @IsString()
  amount!: string;
  @ApiProperty({ description: '调整原因', maxLength: 1000, example: '项目延期，调减年度预算' })
  @IsString()
  @MaxLength(1000)
  reason!: string;
}
class ValueDto {
  @ApiProperty({ description: '指标 id', format: 'uuid' })
  @IsString()
  indicatorId!: string;
  @ApiPropertyOptional({ description: '定量指标的累计完成值', maxLength: 200, example: '96.5' })
  @IsOptional()
  @Transform(asString)
  @IsString()
  @MaxLength(200)
  value?: string;
  @ApiPropertyOptional({ description: '定性指标的完成等级', enum: GRADES })
  @IsOptional()
  @IsString()
  grade?: string;
  @ApiPropertyOptional({ description: '全年完成可能性', enum: LIKELIHOODS })
  @IsOptional()
  @IsString()
  likelihood?: string;
  @ApiPropertyOptional({ description: '偏差原因类别', enum: CAUSE_CATEGORIES })
  @IsOptional()
  @IsString()
  causeCategory?: string;
  @ApiPropertyOptional({ description: '偏差原因说明', maxLength: 2000, example: '受汛期影响，工期推迟一个月' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  causeText?: string;
}
class SaveReportDto {
  @ApiProperty({ description: '各资金来源的累计执行数', type: [SpendingDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SpendingDto)
  spending!: SpendingDto[];
  @ApiPropertyOptional({ description: '预算调整', type: [AdjustmentDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AdjustmentDto)
  adjustments?: AdjustmentDto[];
  @ApiPropertyOptional({ description: '执行数超过预算时的说明', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  overspendExplanation?: string;
  @ApiProperty({ description: '各指标的完成值、可能性和偏差原因', type: [ValueDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ValueDto)
  values!: ValueDto[];
  @VersionField({
    description: '读取时的 dataVersion（首次保存为 0；或用 If-Match 头）；已被他人修改时返回 409',
    minimum: 0,
    example: 1,
  })
  version?: number;
}
class ReasonDto {
  @ApiProperty({ description: '退回原因', maxLength: 2000, example: '二季度执行数与账面不符，请核对' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
}
class PeriodDto {
  @ApiProperty({ description: '填报开始时间（ISO 8601）', example: '2026-04-01T00:00:00+08:00' })
  @IsDateString()
  opensAt!: string;
  @ApiProperty({ description: '填报截止时间（ISO 8601）', example: '2026-04-15T23:59:59+08:00' })
  @IsDateString()
  closesAt!: string;
}
class ReopenDto {
  @ApiProperty({ description: '单位编码', example: '501' })
  @IsString()
  unitCode!: string;
  @ApiProperty({ description: '重新开放的原因', maxLength: 2000, example: '单位申请补报佐证材料' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
  @ApiProperty({ description: '对该单位开放到（ISO 8601）', example: '2026-04-20T23:59:59+08:00' })
  @IsDateString()
  until!: string;
}

@ApiTags('季度填报（双监控）')
@ApiSignedInErrors()
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
  @ApiOperation({ summary: '生成该季度的绩效运行监控表 PDF（后台作业）；mail=1 同时发邮件' })
  @ApiQuery({ name: 'mail', required: false, description: '1 或 true：生成后发给单位邮箱', example: '1' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Post('sheets/:sheetId/periods/:period/monitoring-table')
  @Allow('reports.generate', SHEET)
  async monitoringTable(@SheetId() sheetId: string, @Param('period') period: string, @Query('mail') mail?: string) {
    const queued = await requestMonitoringTable(
      this.reports,
      this.jobs,
      sheetId,
      period,
      mail === '1' || mail === 'true',
    );
    return { queued: true, ...queued };
  }

  @ApiOperation({ summary: '下载最新的绩效运行监控表 PDF' })
  @ApiProduces('application/pdf')
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get('sheets/:sheetId/periods/:period/monitoring-table.pdf')
  @Allow('actuals.read', SHEET)
  async monitoringTablePdf(@SheetId() sheetId: string, @Param('period') period: string, @Res() res: Response) {
    const file = await this.queries.latestMonitoringTable(sheetId, period);
    if (!file) throw new DomainError('NOT_FOUND', '还没有生成绩效运行监控表', { field: 'period' });
    sendPdf(res, file, this.files);
  }

  @ApiOperation({ summary: '设置某年度某季度的填报时间' })
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

  @ApiOperation({ summary: '为一个单位重新开放已截止的填报期' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
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

  @ApiOperation({ summary: '季度报告（累计执行数、指标完成值、状态）' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get('sheets/:sheetId/periods/:period')
  @Allow('actuals.read', SHEET)
  async get(@SheetId() sheetId: string, @Param('period') period: string) {
    const report = await this.reports.getReport(sheetId, period);
    if (!report) throw new DomainError('NOT_FOUND', '该报告期还没有填报内容', { field: 'period' });
    return report;
  }

  @ApiOperation({ summary: '保存季度报告草稿（一个事务；未提供的字段保留已保存的值，空字符串或空数组清除）' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put('sheets/:sheetId/periods/:period')
  @Allow('actuals.write', SHEET)
  save(
    @SheetId() sheetId: string,
    @Param('period') period: string,
    @Body() dto: SaveReportDto,
    @Actor() actor: string,
    @IfMatch() ifMatch?: string,
  ) {
    const { version, ...input } = dto;
    return this.reports.saveDraft(sheetId, period, input, actor, expectedVersion(version, ifMatch));
  }

  @ApiOperation({ summary: '提交季度报告；四季度提交后开始年终打分' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post('sheets/:sheetId/periods/:period/submit')
  @Allow('actuals.write', SHEET)
  async submit(@SheetId() sheetId: string, @Param('period') period: string, @Actor() actor: string) {
    return this.submission.submit(sheetId, period, actor);
  }

  @ApiOperation({ summary: '单位负责人确认季度报告' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post('sheets/:sheetId/periods/:period/confirm')
  @Allow('actuals.confirm', SHEET)
  confirm(@SheetId() sheetId: string, @Param('period') period: string, @Actor() actor: string) {
    return this.reports.confirm(sheetId, period, actor);
  }

  @ApiOperation({ summary: '退回季度报告并说明原因' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post('sheets/:sheetId/periods/:period/return')
  @Allow('actuals.confirm', SHEET)
  returnReport(
    @SheetId() sheetId: string,
    @Param('period') period: string,
    @Body() dto: ReasonDto,
    @Actor() actor: string,
  ) {
    return this.reports.returnReport(sheetId, period, dto.reason, actor);
  }

  @ApiOperation({ summary: '下载季度填报 Excel 工作簿' })
  @ApiProduces(XLSX_MIME)
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get('sheets/:sheetId/periods/:period/workbook.xlsx')
  @Allow('actuals.read', SHEET)
  async workbook(@SheetId() sheetId: string, @Param('period') period: string, @Res() res: Response) {
    const { bytes, fileName } = await this.reports.fillInWorkbook(sheetId, period);
    sendAttachment(res, XLSX_MIME, fileName, bytes);
  }

  @ApiOperation({ summary: '上传填好的季度填报工作簿（字段名 file），整体保存或整体不保存' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: '填好的 .xlsx 工作簿' } },
    },
  })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.PAYLOAD_TOO_LARGE)
  @Post('sheets/:sheetId/periods/:period/workbook')
  @Allow('actuals.write', SHEET)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_DOCUMENT_BYTES } }))
  upload(
    @SheetId() sheetId: string,
    @Param('period') period: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Actor() actor: string,
  ) {
    if (!file) throw new DomainError('VALIDATION_FAILED', '请选择填报文件（字段名 file）', { field: 'file' });
    return this.reports.uploadWorkbook(sheetId, period, file.buffer, decodeUploadName(file.originalname), actor);
  }

  @ApiOperation({ summary: '上传佐证材料（字段名 file）；indicatorId 可关联到指标' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: '佐证材料（PDF、图片、Office 文档等）' } },
    },
  })
  @ApiQuery({ name: 'indicatorId', required: false, description: '关联的指标 id' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.PAYLOAD_TOO_LARGE, HttpStatus.UNSUPPORTED_MEDIA_TYPE)
  @Post('sheets/:sheetId/periods/:period/evidence')
  @Allow('actuals.write', SHEET)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_EVIDENCE_BYTES } }))
  addEvidence(
    @SheetId() sheetId: string,
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

  @ApiOperation({ summary: '该季度的佐证材料列表' })
  @Get('sheets/:sheetId/periods/:period/evidence')
  @Allow('actuals.read', SHEET)
  listEvidence(@SheetId() sheetId: string, @Param('period') period: string) {
    return this.evidence.listEvidence(sheetId, period);
  }

  /** Always a download with the sniffed type, never rendered inline (no stored HTML can run in the app's origin). */
  @ApiOperation({ summary: '下载一份佐证材料（总是作为附件下载）' })
  @ApiProduces('application/octet-stream')
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get('evidence/:id')
  @Allow('actuals.read', { subject: 'evidence', param: 'id' })
  async downloadEvidence(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    const { row, bytes } = await this.evidence.readEvidence(id);
    sendAttachment(res, row.mime, row.fileName, bytes, {
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
  }

  @ApiOperation({ summary: '一份报告的修改记录（谁、何时、改了什么）' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get('audit/:entityId')
  @Allow('actuals.read', { subject: 'audit-entity', param: 'entityId' })
  audit(@Param('entityId', ParseUUIDPipe) entityId: string) {
    return this.queries.auditTrail(entityId);
  }

  @ApiOperation({ summary: '填报进度看板：各单位各目标表的状态和预警灯' })
  @ApiQuery({ name: 'year', description: '年度', example: 2026 })
  @ApiQuery({ name: 'period', description: '季度：Q1–Q4', example: 'Q1' })
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
