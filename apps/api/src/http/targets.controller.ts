import {
  Body,
  Controller,
  Get,
  HttpStatus,
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
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiSignedInErrors } from '../openapi/error-response';
import { decodeUploadName, DomainError, MAX_DOCUMENT_BYTES } from '@selfeval/domain';
import { Actor, Allow, CurrentActor, RequestActor, scopedUnitIds } from '../auth/access.decorators';
import { sendAttachment, XLSX_MIME } from './send-pdf';
import { exportTemplateXlsx, importFiles, parseFiles, TargetsService, toInterchange } from '@selfeval/targets';

class UpdateIndicatorDto {
  @ApiPropertyOptional({ description: '三级指标名称', maxLength: 500, example: '信访事项按期办结率' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  name?: string;
  @ApiPropertyOptional({
    description: '指标值（按原文填写，系统解析运算符、数值和单位）',
    maxLength: 500,
    example: '≥95%',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  target?: string;
}

@ApiTags('绩效目标表')
@ApiSignedInErrors()
@Controller('api/targets')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  /** Upload → preview (dryRun=1: parse and validate, store nothing) → confirm (the same files without dryRun). */
  @ApiOperation({
    summary: '导入绩效目标表',
    description:
      '上传 .txt / .docx / .xlsx 文件（字段名 files，最多 20 个）；dryRun=1 只解析校验、不保存。每个文件整体保存或整体不保存。',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['files'],
      properties: {
        files: { type: 'array', items: { type: 'string', format: 'binary' }, description: '绩效目标表文件' },
      },
    },
  })
  @ApiQuery({ name: 'dryRun', required: false, description: '1 或 true：预览，不保存', example: '1' })
  @ApiErrors(HttpStatus.PAYLOAD_TOO_LARGE, HttpStatus.UNSUPPORTED_MEDIA_TYPE, HttpStatus.CONFLICT)
  @Post('import')
  @Allow('targets.manage')
  @UseInterceptors(FilesInterceptor('files', 20, { limits: { fileSize: MAX_DOCUMENT_BYTES } }))
  async import(@UploadedFiles() files: Express.Multer.File[] = [], @Query('dryRun') dryRun?: string) {
    if (!files.length)
      throw new DomainError('VALIDATION_FAILED', '请选择要导入的绩效目标表文件（字段名 files）', { field: 'files' });
    const docs = files.map((f) => ({ name: decodeUploadName(f.originalname), bytes: f.buffer }));
    return importFiles(this.targets, await parseFiles(docs), { dryRun: dryRun === '1' || dryRun === 'true' });
  }

  @ApiOperation({ summary: '绩效目标表列表（仅限本人可见的单位）' })
  @ApiQuery({ name: 'unit', required: false, description: '单位编码或名称', example: '501' })
  @ApiQuery({ name: 'year', required: false, description: '年度', example: 2026 })
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
  @ApiOperation({ summary: '导出某单位某年度的绩效目标表（selfeval Excel 模板，可原样再导入）' })
  @ApiQuery({ name: 'unit', description: '单位编码或名称', example: '501' })
  @ApiQuery({ name: 'year', description: '年度', example: 2026 })
  @ApiProduces(XLSX_MIME)
  @ApiErrors(HttpStatus.NOT_FOUND)
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
    sendAttachment(res, XLSX_MIME, `绩效目标表-${unit}-${year}.xlsx`, await exportTemplateXlsx(sheets));
  }

  @ApiOperation({ summary: '一张绩效目标表及其指标' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get('sheets/:id')
  @Allow('targets.read', { subject: 'sheet', param: 'id' })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.targets.getSheet(id);
  }

  @ApiOperation({ summary: '绩效目标表的版本历史（目标调整）' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get('sheets/:id/history')
  @Allow('targets.read', { subject: 'sheet', param: 'id' })
  history(@Param('id', ParseUUIDPipe) id: string) {
    return this.targets.history(id);
  }

  @ApiOperation({ summary: '修改未批复目标表中一个指标的名称或指标值' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
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

  @ApiOperation({ summary: '批复绩效目标表（批复后锁定）' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Post('sheets/:id/approve')
  @Allow('targets.manage')
  approve(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: string) {
    return this.targets.approve(id, actor);
  }
}
