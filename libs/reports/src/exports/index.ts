export * from './self-eval-docx';
export * from './self-eval-xlsx';
export * from './department-report-docx';
