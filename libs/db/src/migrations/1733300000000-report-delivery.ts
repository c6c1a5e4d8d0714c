import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

/**
 * The Word/Excel copies of each rendered document, and the delivery state of every mailing of one
 * (generated and mailed, or resent after the unit's address was fixed). New tables only: no rebuild.
 */
export class ReportDelivery1733300000000 implements MigrationInterface {
  name = 'ReportDelivery1733300000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = qr.connection.driver.normalizeType({ type: Date });
    await qr.createTable(
      new Table({
        name: 'report_file_copy',
        columns: [
          ID_COLUMN,
          { name: 'report_file_id', type: 'varchar', length: '36' },
          { name: 'format', type: 'varchar', length: '10' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'size', type: 'integer' },
          { name: 'file_name', type: 'varchar', length: '200' },
        ],
        indices: [{ name: 'uq_report_file_copy', columnNames: ['report_file_id', 'format'], isUnique: true }],
        foreignKeys: [references('report_file_id', 'report_file', 'CASCADE')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'report_delivery',
        columns: [
          ID_COLUMN,
          { name: 'report_file_id', type: 'varchar', length: '36' },
          { name: 'request_key', type: 'varchar', length: '100' },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'recipient', type: 'varchar', length: '200', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'mail_key', type: 'varchar', length: '200', isNullable: true },
          { name: 'attempts', type: 'integer' },
          { name: 'requested_by', type: 'varchar', length: '100' },
          { name: 'requested_at', type: ts },
          { name: 'finished_at', type: ts, isNullable: true },
        ],
        indices: [{ name: 'uq_report_delivery', columnNames: ['report_file_id', 'request_key'], isUnique: true }],
        foreignKeys: [references('report_file_id', 'report_file', 'CASCADE')],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('report_delivery');
    await qr.dropTable('report_file_copy');
  }
}
