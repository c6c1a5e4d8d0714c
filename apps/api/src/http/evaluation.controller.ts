import * as path from 'node:path';
import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { ContentStore } from '@selfeval/db';
import { DomainError } from '@selfeval/domain';
import { Job, jobId, JobProducer } from '@selfeval/jobs';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { EvaluationService } from '@selfeval/evaluation';
import { Actor } from './actor';

const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

class WeightDto {
  @IsString() indicatorId!: string;
  @IsOptional() @Transform(asString) @IsString() weight!: string | null;
}
class WeightsDto {
  @IsArray() @ValidateNested({ each: true }) @Type(() => WeightDto) weights!: WeightDto[];
}
class ExplanationDto {
  @IsOptional() @IsString() @MaxLength(4000) text?: string | null;
  @IsOptional() @IsString() causeCategory?: string | null;
  @IsOptional() @IsBoolean() notApplicable?: boolean;
}
class ReviewDto {
  @IsOptional() @Transform(asString) @IsString() score!: string | null;
  @IsOptional() @IsString() @MaxLength(2000) comment?: string;
}
class ProfileDto {
  @IsString() profileId!: string;
}

// TODO(issue 7): units edit their own evaluations; evaluators review assigned units only.
@Controller('evaluations')
export class EvaluationController {
  private readonly reports: ContentStore;

  constructor(private readonly evaluations: EvaluationService, private readonly jobs: JobProducer, @Inject(APP_CONFIG) config: AppConfig) {
    this.reports = new ContentStore(path.join(config.dataDir, 'reports'));
  }

  /** Renders the 绩效自评表 of the current scores (a worker job) and mails it to the unit. */
  @Post(':sheetId/report')
  async report(@Param('sheetId', ParseUUIDPipe) sheetId: string) {
    const ev = await this.evaluations.get(sheetId);
    if (!ev.current) throw new DomainError('WORKFLOW_STATE', ev.scoreState === 'failed' ? `自评打分失败，不能生成报告：${ev.scoreError}` : '自评得分正在计算，请稍后再生成报告', { field: 'scoreState' });
    const job = await this.jobs.enqueue(Job.RenderReport, { evaluationId: ev.id, dataVersion: ev.dataVersion, mail: true }, { jobId: jobId(Job.RenderReport, ev.id, `v${ev.dataVersion}`) });
    return { queued: true, jobId: job.id, dataVersion: ev.dataVersion };
  }

  @Get(':sheetId/report.pdf')
  async download(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Res() res: Response) {
    const file = await this.evaluations.latestReport(sheetId);
    if (!file) throw new DomainError('NOT_FOUND', '还没有生成绩效自评报告', { field: 'sheetId' });
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .setHeader('X-Report-Version', String(file.dataVersion))
      .send(this.reports.read(file.sha256));
  }

  @Get(':sheetId')
  get(@Param('sheetId', ParseUUIDPipe) sheetId: string) {
    return this.evaluations.get(sheetId);
  }

  @Post(':sheetId/score')
  score(@Param('sheetId', ParseUUIDPipe) sheetId: string) {
    return this.evaluations.requestScoring(sheetId);
  }

  @Put(':sheetId/profile')
  profile(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Body() dto: ProfileDto) {
    return this.evaluations.setProfile(sheetId, dto.profileId);
  }

  @Put(':sheetId/weights')
  weights(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Body() dto: WeightsDto) {
    return this.evaluations.setWeights(sheetId, dto.weights.map((w) => ({ indicatorId: w.indicatorId, weight: w.weight ?? null })));
  }

  @Put(':sheetId/indicators/:indicatorId/explanation')
  explanation(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Param('indicatorId', ParseUUIDPipe) indicatorId: string, @Body() dto: ExplanationDto) {
    return this.evaluations.setExplanation(sheetId, indicatorId, dto);
  }

  @Put(':sheetId/indicators/:indicatorId/review')
  review(@Param('sheetId', ParseUUIDPipe) sheetId: string, @Param('indicatorId', ParseUUIDPipe) indicatorId: string, @Body() dto: ReviewDto, @Actor() actor: string) {
    return this.evaluations.review(sheetId, indicatorId, dto.score ?? null, dto.comment ?? null, actor);
  }
}
