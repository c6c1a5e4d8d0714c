import { Body, Controller, Get, Headers, Inject, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ContentStore, REPORT_STORE } from '@selfeval/db';
import { DomainError, REPORT_KINDS, ReportKind } from '@selfeval/domain';
import { JobProducer } from '@selfeval/jobs';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EvaluationService, requestEvaluationReports } from '@selfeval/evaluation';
import { Actor, Allow } from '../auth/access.decorators';
import { expectedVersion } from './expected-version';
import { sendPdf } from './send-pdf';

const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

/** The evaluation's dataVersion the client read (or send If-Match): a stale write answers 409. */
class VersionedDto {
  @IsOptional() @IsInt() @Min(0) version?: number;
}

class WeightDto {
  @IsString() indicatorId!: string;
  @IsOptional() @Transform(asString) @IsString() weight!: string | null;
}
class WeightsDto extends VersionedDto {
  @IsArray() @ValidateNested({ each: true }) @Type(() => WeightDto) weights!: WeightDto[];
}
class ExplanationDto extends VersionedDto {
  @IsOptional() @IsString() @MaxLength(4000) text?: string | null;
  @IsOptional() @IsString() causeCategory?: string | null;
  @IsOptional() @IsBoolean() notApplicable?: boolean;
}
class ReviewDto extends VersionedDto {
  @IsOptional() @Transform(asString) @IsString() score!: string | null;
  @IsOptional() @IsString() @MaxLength(2000) comment?: string;
}
class TextsDto extends VersionedDto {
  @IsOptional() @IsString() @MaxLength(4000) goalActual?: string | null;
  /** section id → text; validated against the unit's outline by the service */
  @IsOptional() @IsObject() sections?: Record<string, string>;
}
class ReasonDto {
  @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}
class ReopenDto {
  @IsString() @MaxLength(2000) reason!: string;
}
class ProfileDto extends VersionedDto {
  @IsString() profileId!: string;
}

@Controller('api/evaluations')
export class EvaluationController {
  constructor(
    private readonly evaluations: EvaluationService,
    private readonly jobs: JobProducer,
    @Inject(REPORT_STORE) private readonly reports: ContentStore,
  ) {}

  /**
   * Renders the documents of the current scores (worker jobs) and mails them to the unit: the
   * 自评表, and for a department sheet also the 部门整体支出绩效自评报告 with the project tables as annexes.
   */
  @Post(':sheetId/report')
  @Allow('reports.generate', { subject: 'sheet', param: 'sheetId' })
  async report(@Param('sheetId', ParseUUIDPipe) sheetId: string) {
    const { jobs, dataVersion } = await requestEvaluationReports(this.evaluations, this.jobs, sheetId);
    return { queued: true, jobs, jobId: jobs[0].jobId, dataVersion };
  }

  /** The newest PDF; ?kind=department-report for the narrative report of a department sheet. */
  @Get(':sheetId/report.pdf')
  @Allow('evaluation.read', { subject: 'sheet', param: 'sheetId' })
  async download(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Query('kind') kind: string | undefined,
    @Res() res: Response,
  ) {
    if (kind !== undefined && !(REPORT_KINDS as readonly string[]).includes(kind))
      throw new DomainError('VALIDATION_FAILED', `报告类型“${kind}”应为：${REPORT_KINDS.join('、')}`, {
        field: 'kind',
      });
    const file = await this.evaluations.latestReport(sheetId, kind as ReportKind | undefined);
    if (!file) throw new DomainError('NOT_FOUND', '还没有生成绩效自评报告', { field: 'sheetId' });
    sendPdf(res, file, this.reports);
  }

  /** 实际完成情况 and the unit's own sections of the narrative report (by outline section id). */
  @Put(':sheetId/texts')
  @Allow('evaluation.write', { subject: 'sheet', param: 'sheetId' })
  texts(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() dto: TextsDto,
    @Actor() actor: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.evaluations.setReportTexts(
      sheetId,
      { goalActual: dto.goalActual, sections: dto.sections },
      actor,
      expectedVersion(dto.version, ifMatch),
    );
  }

  @Get(':sheetId')
  @Allow('evaluation.read', { subject: 'sheet', param: 'sheetId' })
  get(@Param('sheetId', ParseUUIDPipe) sheetId: string) {
    return this.evaluations.get(sheetId);
  }

  @Post(':sheetId/score')
  @Allow('evaluation.write', { subject: 'sheet', param: 'sheetId' })
  score(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Actor() actor: string) {
    return this.evaluations.requestScoring(sheetId, actor);
  }

  @Put(':sheetId/profile')
  @Allow('evaluation.review', { subject: 'sheet', param: 'sheetId' })
  profile(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() dto: ProfileDto,
    @Actor() actor: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.evaluations.setProfile(sheetId, dto.profileId, actor, expectedVersion(dto.version, ifMatch));
  }

  @Put(':sheetId/weights')
  @Allow('evaluation.write', { subject: 'sheet', param: 'sheetId' })
  weights(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Body() dto: WeightsDto,
    @Actor() actor: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.evaluations.setWeights(
      sheetId,
      dto.weights.map((w) => ({ indicatorId: w.indicatorId, weight: w.weight ?? null })),
      actor,
      expectedVersion(dto.version, ifMatch),
    );
  }

  @Put(':sheetId/indicators/:indicatorId/explanation')
  @Allow('evaluation.write', { subject: 'sheet', param: 'sheetId' })
  explanation(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('indicatorId', ParseUUIDPipe) indicatorId: string,
    @Body() dto: ExplanationDto,
    @Actor() actor: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { version, ...patch } = dto;
    return this.evaluations.setExplanation(sheetId, indicatorId, patch, actor, expectedVersion(version, ifMatch));
  }

  /** 单位负责人 submits the self-evaluation for review. */
  @Post(':sheetId/submit')
  @Allow('evaluation.submit', { subject: 'sheet', param: 'sheetId' })
  submit(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Actor() actor: string) {
    return this.evaluations.submit(sheetId, actor);
  }

  @Post(':sheetId/approve')
  @Allow('evaluation.review', { subject: 'sheet', param: 'sheetId' })
  approve(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Actor() actor: string) {
    return this.evaluations.decide(sheetId, 'approve', null, actor);
  }

  @Post(':sheetId/return')
  @Allow('evaluation.review', { subject: 'sheet', param: 'sheetId' })
  returnEvaluation(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Body() dto: ReasonDto, @Actor() actor: string) {
    return this.evaluations.decide(sheetId, 'return', dto.reason ?? null, actor);
  }

  /** Approved is final: the evaluator of the unit (or an administrator) reopens it, with a reason, for another round. */
  @Post(':sheetId/reopen')
  @Allow('evaluation.review', { subject: 'sheet', param: 'sheetId' })
  reopen(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Body() dto: ReopenDto, @Actor() actor: string) {
    return this.evaluations.reopen(sheetId, dto.reason, actor);
  }

  @Put(':sheetId/indicators/:indicatorId/review')
  @Allow('evaluation.review', { subject: 'sheet', param: 'sheetId' })
  review(
    @Param('sheetId', ParseUUIDPipe) sheetId: string,
    @Param('indicatorId', ParseUUIDPipe) indicatorId: string,
    @Body() dto: ReviewDto,
    @Actor() actor: string,
    @Headers('if-match') ifMatch?: string,
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
