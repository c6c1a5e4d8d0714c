import {
  Body,
  Controller,
  Get,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { FilesInterceptor } from '@nestjs/platform-express';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { decodeUploadName, DomainError, MAX_DOCUMENT_BYTES } from '@selfeval/domain';
import { Actor, Allow, CurrentActor, RequestActor, scopedUnitIds } from '../auth/access.decorators';
import { exportTemplateXlsx, importFiles, parseFiles, TargetsService, toInterchange } from '@selfeval/targets';

class UpdateIndicatorDto {
  @IsOptional() @IsString() @MaxLength(500) name?: string;
  @IsOptional() @IsString() @MaxLength(500) target?: string;
}

@Controller('api/targets')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  /** Upload → preview (dryRun=1: parse and validate, store nothing) → confirm (the same files without dryRun). */
  @Post('import')
  @Allow('targets.manage')
  @UseInterceptors(FilesInterceptor('files', 20, { limits: { fileSize: MAX_DOCUMENT_BYTES } }))
  async import(@UploadedFiles() files: Express.Multer.File[] = [], @Query('dryRun') dryRun?: string) {
    if (!files.length)
      throw new DomainError('VALIDATION_FAILED', '请选择要导入的绩效目标表文件（字段名 files）', { field: 'files' });
    const docs = files.map((f) => ({ name: decodeUploadName(f.originalname), bytes: f.buffer }));
    return importFiles(this.targets, await parseFiles(docs), { dryRun: dryRun === '1' || dryRun === 'true' });
  }

  @Get('sheets')
  @Allow('targets.read')
  list(
    @CurrentActor() actor: RequestActor,
    @Query('unit') unit?: string,
    @Query('year', new ParseIntPipe({ optional: true })) year?: number,
  ) {
    return this.targets.listSheets({ unitCode: unit, year, unitIds: scopedUnitIds(actor) });
  }

  /** The sheets of one unit and year in selfeval's Excel template; re-importable unchanged. */
  @Get('export.xlsx')
  @Allow('targets.read')
  async exportXlsx(
    @CurrentActor() actor: RequestActor,
    @Query('unit') unit: string,
    @Query('year', ParseIntPipe) year: number,
    @Res() res: Response,
  ) {
    if (!unit) throw new DomainError('VALIDATION_FAILED', '请指定单位编码（unit）', { field: 'unit' });
    const list = await this.targets.listSheets({ unitCode: unit, year, unitIds: scopedUnitIds(actor) });
    if (!list.length)
      throw new DomainError('NOT_FOUND', `找不到单位“${unit}”${year}年的绩效目标表，或您无权查看`, { field: 'unit' });
    const sheets = await Promise.all(list.map(async (s) => toInterchange(await this.targets.getSheet(s.id))));
    const bytes = await exportTemplateXlsx(sheets);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader(
        'Content-Disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(`绩效目标表-${unit}-${year}.xlsx`)}`,
      )
      .send(bytes);
  }

  @Get('sheets/:id')
  @Allow('targets.read', { subject: 'sheet', param: 'id' })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.targets.getSheet(id);
  }

  @Get('sheets/:id/history')
  @Allow('targets.read', { subject: 'sheet', param: 'id' })
  history(@Param('id', ParseUUIDPipe) id: string) {
    return this.targets.history(id);
  }

  @Patch('sheets/:id/indicators/:indicatorId')
  @Allow('targets.manage')
  updateIndicator(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('indicatorId', ParseUUIDPipe) indicatorId: string,
    @Body() dto: UpdateIndicatorDto,
    @Actor() actor: string,
  ) {
    return this.targets.updateIndicator(id, indicatorId, dto, actor);
  }

  @Post('sheets/:id/approve')
  @Allow('targets.manage')
  approve(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: string) {
    return this.targets.approve(id, actor);
  }
}
