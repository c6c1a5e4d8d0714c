import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { UnitResolver } from './unit-resolver';
import { UsersService } from './users.service';

@Module({
  providers: [
    {
      provide: UsersService,
      inject: [DataSource, APP_CONFIG],
      useFactory: (ds: DataSource, config: AppConfig) => new UsersService(ds, config.auth.bcryptCost),
    },
    { provide: UnitResolver, inject: [DataSource], useFactory: (ds: DataSource) => new UnitResolver(ds) },
  ],
  exports: [UsersService, UnitResolver],
})
export class AuthModule {}
