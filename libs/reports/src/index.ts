export * from './browser-options';
export * from './pdf-renderer';
export * from './template-registry';
export * from './view-models/project-self-eval';
export * from './report-data';
export * from './report.handlers';
export * from './reports.module';
