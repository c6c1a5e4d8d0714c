export * from './actuals.service';
export * from './actuals.module';
export * from './monitoring.handlers';
export * from './fill-in-workbook';
