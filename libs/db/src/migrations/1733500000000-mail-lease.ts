import { MigrationInterface, QueryRunner } from 'typeorm';

/** mail_delivery.lease_until: one process at a time sends a mail; a dead sender's mail is taken over after it. */
export class MailLease1733500000000 implements MigrationInterface {
  name = 'MailLease1733500000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = qr.connection.driver.normalizeType({ type: Date });
    // plain ALTER TABLE, as for the other added columns: SQLite's table rebuild is refused under foreign keys
    await qr.query(`ALTER TABLE mail_delivery ADD COLUMN lease_until ${ts} NULL`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE mail_delivery DROP COLUMN lease_until');
  }
}
