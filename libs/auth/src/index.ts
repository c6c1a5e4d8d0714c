export * from './auth.module';
export * from './unit-resolver';
export * from './users.service';
export * from './password-reset';
