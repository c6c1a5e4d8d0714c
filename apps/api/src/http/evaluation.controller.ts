import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpStatus, Inject, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ADDABLE_LEVELS, CAUSE_CATEGORIES, DEFAULT_PROFILE_ID } from '@selfeval/domain';
import { ApiErrors, ApiSignedInErrors } from '../openapi/error-response';
import type { Response } from 'express';
import { ContentStore, REPORT_STORE } from '@selfeval/db';
import { DomainError, REPORT_KINDS, ReportFormat, ReportKind } from '@selfeval/domain';
import { JobProducer } from '@selfeval/jobs';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { EvaluationService, ReportDeliveryService, requestEvaluationReports } from '@selfeval/evaluation';
import { Actor, Allow, SHEET, SheetId } from '../auth/access.decorators';
import { expectedVersion, IfMatch } from './expected-version';
import { sendReportFile } from './send-pdf';
import { asString, VersionField } from './dto-fields';

/** The evaluation's dataVersion the client read (or send If-Match): a stale write answers 409. */
class VersionedDto {
  @VersionField({
    description: '读取时的 dataVersion（或用 If-Match 头）；已被他人修改时返回 409',
    minimum: 0,
    example: 3,
  })
  version?: number;
}

class WeightDto {
  @ApiProperty({ description: '指标 id', format: 'uuid' })
  @IsString()
  indicatorId!: string;
  @ApiPropertyOptional({
    description: '权重（分值，十进制字符串）；null 恢复默认',
    type: String,
    nullable: true,
    example: '10',
  })
  @IsOptional()
  @Transform(asString)
  @IsString()
  weight!: string | null;
}
class WeightsDto extends VersionedDto {
  @ApiProperty({ description: '各指标的权重', type: [WeightDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WeightDto)
  weights!: WeightDto[];
}
/** Checked field by field by the service (checkAddedIndicator): Chinese messages naming the field. */
class AddIndicatorDto extends VersionedDto {
  @ApiProperty({ description: '一级指标', enum: Object.keys(ADDABLE_LEVELS) })
  @IsString()
  @MaxLength(50)
  level1!: string;
  @ApiProperty({ description: '二级指标', example: '数量指标' })
  @IsString()
  @MaxLength(50)
  level2!: string;
  @ApiProperty({ description: '三级指标名称', maxLength: 100 })
  @IsString()
  @MaxLength(100)
  name!: string;
  @ApiProperty({ description: '年度指标值', example: '≥25次' })
  @IsString()
  @MaxLength(200)
  target!: string;
  @ApiProperty({ description: '实际完成值', example: '28次' })
  @IsString()
  @MaxLength(200)
  actual!: string;
  @ApiPropertyOptional({ description: '分值；留空按评分方案均分', type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  weight?: string | null;
}
class ExplanationDto extends VersionedDto {
  @ApiPropertyOptional({ description: '偏差原因分析及改进措施', maxLength: 4000, type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  text?: string | null;
  @ApiPropertyOptional({ description: '偏差原因类别', enum: CAUSE_CATEGORIES, nullable: true })
  @IsOptional()
  @IsString()
  causeCategory?: string | null;
  @ApiPropertyOptional({ description: '无偏差，不需要说明', example: false })
  @IsOptional()
  @IsBoolean()
  notApplicable?: boolean;
}
class ExecutionExplanationDto extends VersionedDto {
  @ApiProperty({
    description: '预算执行率偏差原因分析及改进措施（执行率低于 90% 或高于 100% 时提交前必填）；null 或空白清除',
    maxLength: 4000,
    type: String,
    nullable: true,
    example: '部分项目年底才完成验收，资金于次年一季度支付。改进措施：提前组织验收。',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  text!: string | null;
}
class ReviewDto extends VersionedDto {
  @ApiPropertyOptional({
    description: '评审人复核后的得分；null 取消复核',
    type: String,
    nullable: true,
    example: '8.5',
  })
  @IsOptional()
  @Transform(asString)
  @IsString()
  score!: string | null;
  @ApiPropertyOptional({ description: '复核意见', maxLength: 2000, example: '佐证材料不足，酌情扣分' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}
class TextsDto extends VersionedDto {
  @ApiPropertyOptional({ description: '总体目标的实际完成情况', maxLength: 4000, type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  goalActual?: string | null;
  /** section id → text; validated against the unit's outline by the service */
  @ApiPropertyOptional({
    description: '自评报告各章节的文字（章节 id → 文字），按单位的报告提纲校验',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'basic-info': '本单位主要职能……' },
  })
  @IsOptional()
  @IsObject()
  sections?: Record<string, string>;
}
class ReasonDto {
  @ApiPropertyOptional({ description: '退回原因', maxLength: 2000, example: '请补充偏差原因分析' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
class ReopenDto {
  @ApiProperty({ description: '重新打开的原因（必填，记入审计记录）', maxLength: 2000, example: '年终数据需更正' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
}
class ResendDto {
  @ApiPropertyOptional({
    description:
      '本次重新发送的请求编号（8–64 位字母、数字、- 或 _，如 UUID）；同一编号再次提交不会重复发送。不填则每次调用都发送',
    example: '3f1c2a4e-8d7b-4c55-9a61-0e2b7d9c4f10',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  requestId?: string;
}
class ProfileDto extends VersionedDto {
  @ApiProperty({ description: '评分方案 id', example: DEFAULT_PROFILE_ID })
  @IsString()
  profileId!: string;
}

@ApiTags('年终自评')
@ApiSignedInErrors()
@Controller('api/evaluations')
export class EvaluationController {
  constructor(
    private readonly evaluations: EvaluationService,
    private readonly deliveries: ReportDeliveryService,
    private readonly jobs: JobProducer,
    @Inject(REPORT_STORE) private readonly reports: ContentStore,
  ) {}

  /**
   * Renders the documents of the current scores (worker jobs) and mails them to the unit: the
   * 自评表, and for a department sheet also the 部门整体支出绩效自评报告 with the project tables as annexes.
   */
  @ApiOperation({ summary: '按当前得分生成自评表（部门整体另有自评报告）PDF 并发邮件（后台作业）' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post(':sheetId/report')
  @Allow('reports.generate', SHEET)
  async report(@SheetId() sheetId: string) {
    const { jobs, dataVersion } = await requestEvaluationReports(this.evaluations, this.jobs, sheetId);
    return { queued: true, jobs, jobId: jobs[0].jobId, dataVersion };
  }

  /** The last generated documents: formats to download, generation time, and each one's mail delivery state. */
  @ApiOperation({ summary: '已生成的报告：可下载的格式、生成时间和邮件发送状态' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get(':sheetId/reports')
  @Allow('evaluation.read', SHEET)
  reportDocuments(@SheetId() sheetId: string) {
    return this.deliveries.overview(sheetId);
  }

  /** Mails the last generated documents again, to the unit's address as it is now (after it was fixed). */
  @ApiOperation({ summary: '重新发送最近生成的报告（单位联系邮箱改正后）；同一请求编号只发送一次' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.UNPROCESSABLE_ENTITY)
  @Post(':sheetId/report/resend')
  @Allow('reports.generate', SHEET)
  resend(@SheetId() sheetId: string, @Body() dto: ResendDto, @Actor() actor: string) {
    return this.deliveries.resend(sheetId, dto.requestId ?? randomUUID(), actor);
  }

  /** The newest PDF; ?kind=department-report for the narrative report of a department sheet. */
  @ApiOperation({ summary: '下载最新的自评表或自评报告 PDF' })
  @ApiQuery({ name: 'kind', required: false, description: '报告类型', enum: REPORT_KINDS })
  @ApiProduces('application/pdf')
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get(':sheetId/report.pdf')
  @Allow('evaluation.read', SHEET)
  async download(@SheetId() sheetId: string, @Query('kind') kind: string | undefined, @Res() res: Response) {
    await this.sendDocument(res, sheetId, 'pdf', kind);
  }

  /** The Word copy of the newest 自评表 or 自评报告 (same data as its PDF). */
  @ApiOperation({ summary: '下载最新的自评表或自评报告 Word 版（.docx）' })
  @ApiQuery({ name: 'kind', required: false, description: '报告类型', enum: REPORT_KINDS })
  @ApiProduces('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get(':sheetId/report.docx')
  @Allow('evaluation.read', SHEET)
  async downloadDocx(@SheetId() sheetId: string, @Query('kind') kind: string | undefined, @Res() res: Response) {
    await this.sendDocument(res, sheetId, 'docx', kind);
  }

  /** The Excel copy of the newest 自评表 (the 自评报告 has none). */
  @ApiOperation({ summary: '下载最新的自评表 Excel 版（.xlsx）' })
  @ApiQuery({ name: 'kind', required: false, description: '报告类型', enum: REPORT_KINDS })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get(':sheetId/report.xlsx')
  @Allow('evaluation.read', SHEET)
  async downloadXlsx(@SheetId() sheetId: string, @Query('kind') kind: string | undefined, @Res() res: Response) {
    await this.sendDocument(res, sheetId, 'xlsx', kind);
  }

  private async sendDocument(res: Response, sheetId: string, format: ReportFormat, kind: string | undefined) {
    if (kind !== undefined && !(REPORT_KINDS as readonly string[]).includes(kind))
      throw new DomainError('VALIDATION_FAILED', `报告类型“${kind}”应为：${REPORT_KINDS.join('、')}`, {
        field: 'kind',
      });
    const file = await this.deliveries.download(sheetId, format, kind as ReportKind | undefined);
    sendReportFile(res, { ...file, asciiName: `${file.kind}.${format}` }, this.reports);
  }

  /** 实际完成情况 and the unit's own sections of the narrative report (by outline section id). */
  @ApiOperation({ summary: '保存实际完成情况和自评报告各章节文字' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put(':sheetId/texts')
  @Allow('evaluation.write', SHEET)
  texts(@SheetId() sheetId: string, @Body() dto: TextsDto, @Actor() actor: string, @IfMatch() ifMatch?: string) {
    return this.evaluations.setReportTexts(
      sheetId,
      { goalActual: dto.goalActual, sections: dto.sections },
      actor,
      expectedVersion(dto.version, ifMatch),
    );
  }

  @ApiOperation({ summary: '自评：各指标得分、偏差说明、复核和状态' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get(':sheetId')
  @Allow('evaluation.read', SHEET)
  get(@SheetId() sheetId: string) {
    return this.evaluations.get(sheetId);
  }

  @ApiOperation({ summary: '重新打分（后台作业）' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post(':sheetId/score')
  @Allow('evaluation.write', SHEET)
  score(@SheetId() sheetId: string, @Actor() actor: string) {
    return this.evaluations.requestScoring(sheetId, actor);
  }

  @ApiOperation({ summary: '选择评分方案' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put(':sheetId/profile')
  @Allow('evaluation.review', SHEET)
  profile(@SheetId() sheetId: string, @Body() dto: ProfileDto, @Actor() actor: string, @IfMatch() ifMatch?: string) {
    return this.evaluations.setProfile(sheetId, dto.profileId, actor, expectedVersion(dto.version, ifMatch));
  }

  @ApiOperation({ summary: '设置各指标权重（分值）' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put(':sheetId/weights')
  @Allow('evaluation.write', SHEET)
  weights(@SheetId() sheetId: string, @Body() dto: WeightsDto, @Actor() actor: string, @IfMatch() ifMatch?: string) {
    return this.evaluations.setWeights(
      sheetId,
      dto.weights.map((w) => ({ indicatorId: w.indicatorId, weight: w.weight ?? null })),
      actor,
      expectedVersion(dto.version, ifMatch),
    );
  }

  @ApiOperation({
    summary: '年终补充一个绩效指标（部门整体支出）',
    description: '没有产出或效益指标的部门整体支出表不评分；单位补充指标及其实际完成值后重新打分，操作记入审计记录。',
  })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post(':sheetId/indicators')
  @Allow('evaluation.write', SHEET)
  addIndicator(
    @SheetId() sheetId: string,
    @Body() dto: AddIndicatorDto,
    @Actor() actor: string,
    @IfMatch() ifMatch?: string,
  ) {
    const { version, ...input } = dto;
    return this.evaluations.addIndicator(
      sheetId,
      { ...input, weight: input.weight ?? undefined },
      actor,
      expectedVersion(version, ifMatch),
    );
  }

  @ApiOperation({ summary: '填写一个指标的偏差原因分析及改进措施' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put(':sheetId/indicators/:indicatorId/explanation')
  @Allow('evaluation.write', SHEET)
  explanation(
    @SheetId() sheetId: string,
    @Param('indicatorId', ParseUUIDPipe) indicatorId: string,
    @Body() dto: ExplanationDto,
    @Actor() actor: string,
    @IfMatch() ifMatch?: string,
  ) {
    const { version, ...patch } = dto;
    return this.evaluations.setExplanation(sheetId, indicatorId, patch, actor, expectedVersion(version, ifMatch));
  }

  @ApiOperation({ summary: '填写预算执行率的偏差原因分析及改进措施' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put(':sheetId/execution-explanation')
  @Allow('evaluation.write', SHEET)
  executionExplanation(
    @SheetId() sheetId: string,
    @Body() dto: ExecutionExplanationDto,
    @Actor() actor: string,
    @IfMatch() ifMatch?: string,
  ) {
    return this.evaluations.setExecutionExplanation(
      sheetId,
      dto.text ?? null,
      actor,
      expectedVersion(dto.version, ifMatch),
    );
  }

  /** 单位负责人 submits the self-evaluation for review. */
  @ApiOperation({ summary: '单位负责人提交自评，送评审' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post(':sheetId/submit')
  @Allow('evaluation.submit', SHEET)
  submit(@SheetId() sheetId: string, @Actor() actor: string) {
    return this.evaluations.submit(sheetId, actor);
  }

  @ApiOperation({ summary: '评审通过' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post(':sheetId/approve')
  @Allow('evaluation.review', SHEET)
  approve(@SheetId() sheetId: string, @Actor() actor: string) {
    return this.evaluations.decide(sheetId, 'approve', null, actor);
  }

  @ApiOperation({ summary: '退回自评并说明原因' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post(':sheetId/return')
  @Allow('evaluation.review', SHEET)
  returnEvaluation(@SheetId() sheetId: string, @Body() dto: ReasonDto, @Actor() actor: string) {
    return this.evaluations.decide(sheetId, 'return', dto.reason ?? null, actor);
  }

  /** Approved is final: the evaluator of the unit (or an administrator) reopens it, with a reason, for another round. */
  @ApiOperation({ summary: '重新打开已审核通过的自评（须填原因），退回单位修改后重新提交、重新评审' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post(':sheetId/reopen')
  @Allow('evaluation.review', SHEET)
  reopen(@SheetId() sheetId: string, @Body() dto: ReopenDto, @Actor() actor: string) {
    return this.evaluations.reopen(sheetId, dto.reason, actor);
  }

  @ApiOperation({ summary: '评审人复核一个指标的得分' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put(':sheetId/indicators/:indicatorId/review')
  @Allow('evaluation.review', SHEET)
  review(
    @SheetId() sheetId: string,
    @Param('indicatorId', ParseUUIDPipe) indicatorId: string,
    @Body() dto: ReviewDto,
    @Actor() actor: string,
    @IfMatch() ifMatch?: string,
  ) {
    return this.evaluations.review(
      sheetId,
      indicatorId,
      dto.score ?? null,
      dto.comment ?? null,
      actor,
      expectedVersion(dto.version, ifMatch),
    );
  }
}
