import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@selfeval/db';
import { TargetsService } from './targets.service';
import { UnitProfileService } from './unit-profile.service';

@Module({
  providers: [
    {
      provide: TargetsService,
      inject: [DataSource, CLOCK],
      useFactory: (ds: DataSource, clock: Clock) => new TargetsService(ds, clock),
    },
    { provide: UnitProfileService, inject: [DataSource], useFactory: (ds: DataSource) => new UnitProfileService(ds) },
  ],
  exports: [TargetsService, UnitProfileService],
})
export class TargetsModule {}
