import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@selfeval/db';
import { TargetsService } from './targets.service';

@Module({
  providers: [
    {
      provide: TargetsService,
      inject: [DataSource, CLOCK],
      useFactory: (ds: DataSource, clock: Clock) => new TargetsService(ds, clock),
    },
  ],
  exports: [TargetsService],
})
export class TargetsModule {}
