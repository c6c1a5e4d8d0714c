import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

/** Quarterly reporting (issue 4): periods, reports, spending, adjustments, values, audit, monitoring. */
export class Actuals1732100000000 implements MigrationInterface {
  name = 'Actuals1732100000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = qr.connection.driver.normalizeType({ type: Date });
    const now = qr.connection.driver.mappedDataTypes.createDateDefault;
    const id: TableColumnOptions = ID_COLUMN;
    const ref = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '36' });
    const money = (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: 'decimal',
      precision: 18,
      scale: 6,
      isNullable: nullable,
    });

    await qr.createTable(
      new Table({
        name: 'report_period',
        columns: [
          id,
          { name: 'year', type: 'integer' },
          { name: 'period', type: 'varchar', length: '2' },
          { name: 'opens_at', type: ts },
          { name: 'closes_at', type: ts },
        ],
        indices: [{ name: 'uq_report_period', columnNames: ['year', 'period'], isUnique: true }],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'period_reopen',
        columns: [
          id,
          ref('unit_id'),
          { name: 'year', type: 'integer' },
          { name: 'period', type: 'varchar', length: '2' },
          { name: 'reason', type: 'text' },
          { name: 'until', type: ts },
          { name: 'created_by', type: 'varchar', length: '100' },
          { name: 'created_at', type: ts, default: now },
        ],
        foreignKeys: [references('unit_id', 'unit')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'quarter_report',
        columns: [
          id,
          ref('sheet_id'),
          ref('unit_id'),
          { name: 'year', type: 'integer' },
          { name: 'period', type: 'varchar', length: '2' },
          { name: 'status', type: 'varchar', length: '16' },
          money('spent_total'),
          money('adjusted_budget'),
          { name: 'overspend_explanation', type: 'text', isNullable: true },
          { name: 'return_reason', type: 'text', isNullable: true },
          { name: 'submitted_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'submitted_at', type: ts, isNullable: true },
          { name: 'confirmed_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'confirmed_at', type: ts, isNullable: true },
          { name: 'data_version', type: 'integer' },
        ],
        indices: [
          { name: 'uq_quarter_report', columnNames: ['sheet_id', 'period'], isUnique: true },
          { name: 'ix_quarter_report_unit', columnNames: ['unit_id', 'year', 'period'] },
        ],
        foreignKeys: [references('sheet_id', 'target_sheet', 'RESTRICT'), references('unit_id', 'unit', 'RESTRICT')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'report_spending',
        columns: [id, ref('report_id'), { name: 'source', type: 'varchar', length: '30' }, money('amount')],
        indices: [{ name: 'ix_report_spending', columnNames: ['report_id'] }],
        foreignKeys: [references('report_id', 'quarter_report')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'budget_adjustment',
        columns: [id, ref('report_id'), money('amount'), { name: 'reason', type: 'text' }],
        indices: [{ name: 'ix_budget_adjustment', columnNames: ['report_id'] }],
        foreignKeys: [references('report_id', 'quarter_report')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'indicator_value',
        columns: [
          id,
          ref('report_id'),
          ref('indicator_id'),
          { name: 'value_raw', type: 'text', isNullable: true },
          { name: 'value_num', type: 'decimal', precision: 20, scale: 6, isNullable: true },
          { name: 'grade', type: 'varchar', length: '30', isNullable: true },
          { name: 'likelihood', type: 'varchar', length: '10', isNullable: true },
          { name: 'cause_category', type: 'varchar', length: '20', isNullable: true },
          { name: 'cause_text', type: 'text', isNullable: true },
        ],
        indices: [{ name: 'uq_indicator_value', columnNames: ['report_id', 'indicator_id'], isUnique: true }],
        foreignKeys: [references('report_id', 'quarter_report'), references('indicator_id', 'indicator', 'RESTRICT')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          id,
          { name: 'entity', type: 'varchar', length: '40' },
          { name: 'entity_id', type: 'varchar', length: '36' },
          { name: 'action', type: 'varchar', length: '30' },
          { name: 'field', type: 'varchar', length: '200', isNullable: true },
          { name: 'old_value', type: 'text', isNullable: true },
          { name: 'new_value', type: 'text', isNullable: true },
          { name: 'actor', type: 'varchar', length: '100' },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'created_at', type: ts, default: now },
        ],
        indices: [{ name: 'ix_audit_entity', columnNames: ['entity_id'] }],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'monitoring_result',
        columns: [
          id,
          { ...ref('report_id'), isUnique: true },
          { name: 'data_version', type: 'integer' },
          { name: 'spending_light', type: 'varchar', length: '10' },
          { name: 'indicator_light', type: 'varchar', length: '10' },
          { name: 'details', type: 'text' },
          { name: 'computed_at', type: ts },
        ],
        foreignKeys: [references('report_id', 'quarter_report')],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of [
      'monitoring_result',
      'audit_log',
      'indicator_value',
      'budget_adjustment',
      'report_spending',
      'quarter_report',
      'period_reopen',
      'report_period',
    ]) {
      await qr.dropTable(t);
    }
  }
}
