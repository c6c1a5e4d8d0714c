import { MigrationInterface, QueryRunner } from 'typeorm';

/** A unit's group-robot webhook (企业微信 / 钉钉), optional, next to its contact e-mail. */
export class UnitWebhook1732950000000 implements MigrationInterface {
  name = 'UnitWebhook1732950000000';

  async up(qr: QueryRunner): Promise<void> {
    // plain ALTER TABLE, as for contact_email: SQLite's table rebuild is refused under foreign keys
    await qr.query('ALTER TABLE unit ADD COLUMN webhook_url varchar(500)');
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE unit DROP COLUMN webhook_url');
  }
}
