import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@selfeval/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrateOnce, withSqliteTransactionQueue } from './data-source';
import { CLOCK, EVIDENCE_STORE, REPORT_STORE, STORE_PROVIDERS } from './stores';

@Module({})
export class DbModule {
  /**
   * The API (and the all-in-one process) migrate on boot, one process at a time (migrateOnce); workers never do.
   */
  static forRoot(options: { runMigrations: boolean }): DynamicModule {
    return {
      module: DbModule,
      // the clock and the file stores every lib needs, one instance each (required, never defaulted)
      global: true,
      providers: STORE_PROVIDERS,
      exports: [CLOCK, EVIDENCE_STORE, REPORT_STORE],
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database),
            migrationsTransactionMode: 'each' as const,
          }),
          dataSourceFactory: async (dsOptions) => {
            if (!dsOptions) throw new Error('no data source options');
            const ds = await withSqliteTransactionQueue(new DataSource(dsOptions)).initialize();
            if (options.runMigrations) await migrateOnce(ds);
            return ds;
          },
        }),
      ],
    };
  }
}
