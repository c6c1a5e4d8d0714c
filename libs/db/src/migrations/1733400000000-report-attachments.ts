import { MigrationInterface, QueryRunner } from 'typeorm';

/** 报告邮件附件 on 单位概况: 'pdf' (the PDF only, as before) or 'with-copies' (the PDF and its Word/Excel copies). */
export class ReportAttachments1733400000000 implements MigrationInterface {
  name = 'ReportAttachments1733400000000';

  async up(qr: QueryRunner): Promise<void> {
    // plain ALTER TABLE, as for the other unit columns: SQLite's table rebuild is refused under foreign keys
    await qr.query(`ALTER TABLE unit ADD COLUMN report_attachments varchar(20) NOT NULL DEFAULT 'pdf'`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE unit DROP COLUMN report_attachments');
  }
}
