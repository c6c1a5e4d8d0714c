import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { REPORT_ATTACHMENT_CHOICES } from '@selfeval/domain';
import { UnitProfileService } from '@selfeval/targets';
import { Actor, Allow, UNIT } from '../auth/access.decorators';
import { ApiErrors, ApiSignedInErrors } from '../openapi/error-response';
import { expectedVersion, IfMatch } from './expected-version';
import { VersionField } from './dto-fields';

/** Fields left out are not changed; an empty string clears one. The service checks formats and lengths. */
class UnitProfileDto {
  @VersionField({ description: '读取时的 version（或用 If-Match 头）；已被他人修改时返回 409', example: 2 })
  version?: number;
  @ApiPropertyOptional({ description: '主要职能（≤4000 字）', example: '受理人民群众来信来访，协调处理重要信访问题。' })
  @IsOptional()
  functions?: string | null;
  @ApiPropertyOptional({ description: '机构设置（≤4000 字）', example: '内设办公室、来访接待股、督查督办股。' })
  @IsOptional()
  organization?: string | null;
  @ApiPropertyOptional({ description: '编制数（人，整数）', example: 15, type: Number })
  @IsOptional()
  staffQuota?: number | string | null;
  @ApiPropertyOptional({ description: '实有人数（人，整数）', example: 14, type: Number })
  @IsOptional()
  staffActual?: number | string | null;
  @ApiPropertyOptional({ description: '人员情况说明（≤2000 字）', example: '另有退休人员 6 人。' })
  @IsOptional()
  staffNotes?: string | null;
  @ApiPropertyOptional({ description: '联系人（≤50 字）', example: '李华' })
  @IsOptional()
  contactPerson?: string | null;
  @ApiPropertyOptional({ description: '联系电话', example: '0731-22881234' })
  @IsOptional()
  contactPhone?: string | null;
  @ApiPropertyOptional({ description: '联系邮箱：截止提醒和报告邮件发到这里', example: 'lukou@example.gov.cn' })
  @IsOptional()
  contactEmail?: string | null;
  @ApiPropertyOptional({
    description: '报告邮件附件：pdf 仅 PDF（默认），with-copies PDF 及 Word、Excel 副本；其他值返回 422',
    enum: Object.keys(REPORT_ATTACHMENT_CHOICES),
    example: 'with-copies',
  })
  @IsOptional()
  reportAttachments?: string | null;
}

/** 单位概况: read by the unit, its evaluator and administrators; changed by the unit (填报人, 负责人) and administrators. */
@ApiTags('单位')
@ApiSignedInErrors()
@Controller('api/units')
export class UnitProfileController {
  constructor(private readonly profiles: UnitProfileService) {}

  @ApiOperation({ summary: '单位概况：主要职能、机构设置、人员情况和联系人' })
  @ApiParam({ name: 'id', description: '单位 id', format: 'uuid' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Get(':id/profile')
  @Allow('targets.read', UNIT)
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.profiles.get(id);
  }

  @ApiOperation({ summary: '保存单位概况（自评报告“部门基本情况”和联系邮箱）' })
  @ApiParam({ name: 'id', description: '单位 id', format: 'uuid' })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  @Put(':id/profile')
  @Allow('evaluation.write', UNIT)
  save(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UnitProfileDto,
    @Actor() actor: string,
    @IfMatch() ifMatch?: string,
  ) {
    const { version, ...fields } = dto;
    return this.profiles.save(id, fields, actor, expectedVersion(version, ifMatch));
  }
}
