import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

/**
 * Written with TypeORM's Table API rather than SQL so one file runs on SQLite and PostgreSQL.
 * Timestamps take the driver's own type (datetime / timestamp); money is decimal(18,6) in 万元.
 */
export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(qr: QueryRunner): Promise<void> {
    const timestamp = qr.connection.driver.normalizeType({ type: Date });
    const id: TableColumnOptions = ID_COLUMN;
    const createdAt: TableColumnOptions = {
      name: 'created_at',
      type: timestamp,
      default: qr.connection.driver.mappedDataTypes.createDateDefault,
    };
    const money = (name: string): TableColumnOptions => ({
      name,
      type: 'decimal',
      precision: 18,
      scale: 6,
      isNullable: true,
    });

    await qr.createTable(
      new Table({
        name: 'unit',
        columns: [
          id,
          { name: 'code', type: 'varchar', length: '64', isUnique: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'parent_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'region', type: 'varchar', length: '100', isNullable: true },
          createdAt,
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'target_sheet',
        columns: [
          id,
          { name: 'unit_id', type: 'varchar', length: '36' },
          { name: 'year', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'sheet_key', type: 'varchar', length: '300' },
          { name: 'version', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'name', type: 'varchar', length: '300' },
          { name: 'project_code', type: 'varchar', length: '64', isNullable: true },
          money('budget_total'),
          { name: 'budget', type: 'text' },
          { name: 'spending_plan', type: 'text' },
          { name: 'goal', type: 'text', isNullable: true },
          { name: 'attributes', type: 'text' },
          { name: 'warnings', type: 'text' },
          { name: 'source_name', type: 'varchar', length: '300', isNullable: true },
          { name: 'source_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'change_reason', type: 'text', isNullable: true },
          createdAt,
          { name: 'approved_at', type: timestamp, isNullable: true },
          { name: 'approved_by', type: 'varchar', length: '100', isNullable: true },
        ],
        indices: [
          { name: 'uq_target_sheet_version', columnNames: ['unit_id', 'year', 'sheet_key', 'version'], isUnique: true },
        ],
        foreignKeys: [references('unit_id', 'unit', 'RESTRICT')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'indicator',
        columns: [
          id,
          { name: 'sheet_id', type: 'varchar', length: '36' },
          { name: 'position', type: 'integer' },
          { name: 'level1', type: 'varchar', length: '50' },
          { name: 'level2', type: 'varchar', length: '50' },
          { name: 'name', type: 'text' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'basis', type: 'text', isNullable: true },
          { name: 'standard', type: 'text', isNullable: true },
          { name: 'target_raw', type: 'text' },
          { name: 'target_kind', type: 'varchar', length: '16' },
          { name: 'target_op', type: 'varchar', length: '2', isNullable: true },
          { name: 'target_value', type: 'decimal', precision: 20, scale: 6, isNullable: true },
          { name: 'target_unit', type: 'varchar', length: '20', isNullable: true },
          { name: 'target_text', type: 'text', isNullable: true },
          { name: 'weight', type: 'decimal', precision: 9, scale: 4, isNullable: true },
        ],
        indices: [{ name: 'ix_indicator_sheet', columnNames: ['sheet_id', 'position'] }],
        foreignKeys: [references('sheet_id', 'target_sheet', 'CASCADE')],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('indicator');
    await qr.dropTable('target_sheet');
    await qr.dropTable('unit');
  }
}
