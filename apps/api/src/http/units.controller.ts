import { Body, Controller, Inject, Param, Put } from '@nestjs/common';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { robotOf } from '@selfeval/domain';
import { TargetsService } from '@selfeval/targets';
import { Allow } from '../auth/access.decorators';

class ContactDto {
  @IsOptional() @IsEmail() email?: string;
  /** 企业微信 / 钉钉 group-robot webhook (https) */
  @IsOptional() @IsString() @MaxLength(500) webhookUrl?: string;
}

@Controller('api/units')
export class UnitsController {
  constructor(
    private readonly targets: TargetsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where deadline reminders and "report ready" notices for the unit go: mail, group robot, or both. */
  @Put(':code/contact')
  @Allow('targets.manage')
  setContact(@Param('code') code: string, @Body() dto: ContactDto) {
    const webhookUrl = dto.webhookUrl?.trim() || null;
    if (webhookUrl) robotOf(webhookUrl, { allowLoopback: this.config.webhooks.allowLoopback });
    return this.targets.setContact(code, { email: dto.email ?? null, webhookUrl });
  }
}
