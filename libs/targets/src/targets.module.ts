import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TargetsService } from './targets.service';

@Module({
  providers: [
    { provide: TargetsService, inject: [DataSource], useFactory: (ds: DataSource) => new TargetsService(ds) },
  ],
  exports: [TargetsService],
})
export class TargetsModule {}
