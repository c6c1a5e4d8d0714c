import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions, withSqliteTransactionQueue } from './data-source';

@Module({})
export class DbModule {
  /**
   * The API (and the all-in-one process) migrate on boot; workers never do, so several
   * processes starting together do not race on the migrations table.
   */
  static forRoot(options: { runMigrations: boolean }): DynamicModule {
    return {
      module: DbModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database),
            migrationsRun: options.runMigrations,
            migrationsTransactionMode: 'each' as const,
          }),
          dataSourceFactory: async (options) => withSqliteTransactionQueue(new DataSource(options!)).initialize(),
        }),
      ],
    };
  }
}
