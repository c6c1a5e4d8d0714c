import { Body, Controller, Param, Put } from '@nestjs/common';
import { IsEmail, IsOptional } from 'class-validator';
import { TargetsService } from '@selfeval/targets';
import { Allow } from '../auth/access.decorators';

class ContactDto {
  @IsOptional() @IsEmail() email?: string;
}

@Controller('api/units')
export class UnitsController {
  constructor(private readonly targets: TargetsService) {}

  /** Where deadline reminders for the unit go. */
  @Put(':code/contact')
  @Allow('targets.manage')
  setContact(@Param('code') code: string, @Body() dto: ContactDto) {
    return this.targets.setContactEmail(code, dto.email ?? null);
  }
}
