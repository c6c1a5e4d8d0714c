export * from './data-source';
export * from './db.module';
export * from './decimal.transformer';
export * from './entities';
export { MIGRATIONS } from './migrations';
export * from './content-store';
export * from './repositories';
export * from './stores';
