export * from './evaluation.service';
export * from './evaluation.module';
export * from './scoring.handlers';
export * from './quarter-submission';
export * from './report-requests';
export * from './evaluation.mapper';
export * from './todo.service';
export * from './report-delivery.service';
