export * from './evaluation.service';
export * from './evaluation.module';
export * from './scoring.handlers';
