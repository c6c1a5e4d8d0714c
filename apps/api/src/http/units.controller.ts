import { Body, Controller, HttpStatus, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedInErrors } from '../openapi/error-response';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { robotOf } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';
import { Allow } from '../auth/access.decorators';

class ContactDto {
  @ApiPropertyOptional({ description: '接收截止提醒和报告的邮箱；不填则清除', example: 'lukou@example.gov.cn' })
  @IsOptional()
  @IsEmail()
  email?: string;
  /** 企业微信 / 钉钉 group-robot webhook (https) */
  @ApiPropertyOptional({
    description: '企业微信或钉钉群机器人地址（https）；不填则清除。响应中只显示“（已设置）”',
    maxLength: 500,
    example: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  webhookUrl?: string;
}

@ApiTags('单位')
@ApiSignedInErrors()
@Controller('api/units')
export class UnitsController {
  constructor(
    private readonly targets: TargetsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where deadline reminders and "report ready" notices for the unit go: mail, group robot, or both. */
  @ApiOperation({ summary: '设置单位的联系邮箱和群机器人（截止提醒、报告通知）' })
  @ApiParam({ name: 'code', description: '单位编码或名称', example: '501' })
  @ApiErrors(HttpStatus.NOT_FOUND)
  @Put(':code/contact')
  @Allow('targets.manage')
  setContact(@Param('code') code: string, @Body() dto: ContactDto) {
    const webhookUrl = dto.webhookUrl?.trim() || null;
    if (webhookUrl) robotOf(webhookUrl, { allowLoopback: this.config.webhooks.allowLoopback });
    return this.targets.setContact(code, { email: dto.email ?? null, webhookUrl });
  }
}
