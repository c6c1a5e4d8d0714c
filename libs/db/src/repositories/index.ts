export * from './bulk-insert';
export * from './audit-log.repository';
export * from './transition';
export * from './sheets.repository';
export * from './quarter-reports.repository';
export * from './evaluations.repository';
export * from './report-deliveries.repository';
