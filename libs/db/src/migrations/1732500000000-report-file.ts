import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

export class ReportFile1732500000000 implements MigrationInterface {
  name = 'ReportFile1732500000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'report_file',
        columns: [
          ID_COLUMN,
          // exactly one subject: a self-evaluation (自评表/自评报告) or a quarter report (监控表)
          { name: 'evaluation_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'quarter_report_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'data_version', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '40' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'size', type: 'integer' },
          { name: 'file_name', type: 'varchar', length: '200' },
          { name: 'created_at', type: qr.connection.driver.normalizeType({ type: Date }) },
        ],
        indices: [
          { name: 'uq_report_file', columnNames: ['evaluation_id', 'data_version', 'kind'], isUnique: true },
          {
            name: 'uq_report_file_quarter',
            columnNames: ['quarter_report_id', 'data_version', 'kind'],
            isUnique: true,
          },
        ],
        checks: [
          { name: 'ck_report_file_subject', expression: '(evaluation_id IS NULL) <> (quarter_report_id IS NULL)' },
        ],
        foreignKeys: [
          references('evaluation_id', 'self_evaluation', 'CASCADE'),
          references('quarter_report_id', 'quarter_report', 'CASCADE'),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('report_file');
  }
}
