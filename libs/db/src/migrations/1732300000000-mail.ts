import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { ID_COLUMN } from './table-parts';

export class Mail1732300000000 implements MigrationInterface {
  name = 'Mail1732300000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = qr.connection.driver.normalizeType({ type: Date });
    // Plain ALTER TABLE: TypeORM's SQLite addColumn/dropColumn rebuild the table, which foreign keys
    // from existing rows forbid inside a migration transaction. Both databases accept this SQL.
    await qr.query('ALTER TABLE unit ADD COLUMN contact_email varchar(200)');
    await qr.createTable(
      new Table({
        name: 'mail_delivery',
        columns: [
          ID_COLUMN,
          { name: 'dedupe_key', type: 'varchar', length: '200', isUnique: true },
          { name: 'recipient', type: 'varchar', length: '200' },
          { name: 'subject', type: 'varchar', length: '300' },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'message_id', type: 'varchar', length: '300' },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'attempts', type: 'integer' },
          { name: 'sent_at', type: ts, isNullable: true },
          { name: 'created_at', type: ts, default: qr.connection.driver.mappedDataTypes.createDateDefault },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('mail_delivery');
    await qr.query('ALTER TABLE unit DROP COLUMN contact_email');
  }
}
