import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

export class Evidence1732200000000 implements MigrationInterface {
  name = 'Evidence1732200000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = qr.connection.driver.normalizeType({ type: Date });
    await qr.createTable(
      new Table({
        name: 'evidence_file',
        columns: [
          ID_COLUMN,
          { name: 'report_id', type: 'varchar', length: '36' },
          { name: 'indicator_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'file_name', type: 'varchar', length: '200' },
          { name: 'mime', type: 'varchar', length: '120' },
          { name: 'size', type: 'integer' },
          { name: 'uploaded_by', type: 'varchar', length: '100' },
          { name: 'created_at', type: ts, default: qr.connection.driver.mappedDataTypes.createDateDefault },
        ],
        indices: [{ name: 'ix_evidence_report', columnNames: ['report_id'] }],
        foreignKeys: [
          references('report_id', 'quarter_report', 'CASCADE'),
          references('indicator_id', 'indicator', 'RESTRICT'),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('evidence_file');
  }
}
