import { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS: [name: string, type: string][] = [
  ['main_functions', 'text'],
  ['organization', 'text'],
  ['staff_quota', 'integer'],
  ['staff_actual', 'integer'],
  ['staff_notes', 'text'],
  ['contact_person', 'varchar(50)'],
  ['contact_phone', 'varchar(40)'],
  ['profile_version', 'integer NOT NULL DEFAULT 0'],
];

/** 单位概况: 主要职能, 机构设置, 人员情况 (section 一 of the 自评报告) and the contact person, beside contact_email. */
export class UnitProfile1733100000000 implements MigrationInterface {
  name = 'UnitProfile1733100000000';

  async up(qr: QueryRunner): Promise<void> {
    // plain ALTER TABLE, as for contact_email and webhook_url: SQLite's table rebuild is refused under foreign keys
    for (const [name, type] of COLUMNS) await qr.query(`ALTER TABLE unit ADD COLUMN ${name} ${type}`);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const [name] of [...COLUMNS].reverse()) await qr.query(`ALTER TABLE unit DROP COLUMN ${name}`);
  }
}
