export * from './targets.service';
export * from './targets.module';
export * from './import-files';
export * from './formats/docx-reader';
export * from './formats/xlsx-template';
export * from './sheet.mapper';
export * from './formats/workbook-cells';
