import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

export class Evaluation1732400000000 implements MigrationInterface {
  name = 'Evaluation1732400000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = qr.connection.driver.normalizeType({ type: Date });
    const bool = qr.connection.driver.normalizeType({ type: Boolean });
    await qr.createTable(
      new Table({
        name: 'self_evaluation',
        columns: [
          ID_COLUMN,
          { name: 'sheet_id', type: 'varchar', length: '36', isUnique: true },
          { name: 'unit_id', type: 'varchar', length: '36' },
          { name: 'profile_id', type: 'varchar', length: '40' },
          { name: 'profile_version', type: 'integer' },
          { name: 'data_version', type: 'integer' },
          { name: 'scored_version', type: 'integer', isNullable: true },
          { name: 'score_state', type: 'varchar', length: '10' },
          { name: 'score_error', type: 'text', isNullable: true },
          { name: 'total', type: 'varchar', length: '12', isNullable: true },
          { name: 'total_exact', type: 'varchar', length: '60', isNullable: true },
          { name: 'grade', type: 'varchar', length: '4', isNullable: true },
          { name: 'result', type: 'text', isNullable: true },
          { name: 'execution_explanation', type: 'text', isNullable: true },
          { name: 'scored_at', type: ts, isNullable: true },
        ],
        indices: [{ name: 'ix_self_evaluation_profile', columnNames: ['profile_id', 'profile_version'] }],
        foreignKeys: [references('sheet_id', 'target_sheet', 'RESTRICT'), references('unit_id', 'unit', 'RESTRICT')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'indicator_score',
        columns: [
          ID_COLUMN,
          { name: 'evaluation_id', type: 'varchar', length: '36' },
          { name: 'indicator_id', type: 'varchar', length: '36' },
          { name: 'unit_weight', type: 'decimal', precision: 9, scale: 4, isNullable: true },
          { name: 'not_applicable', type: bool, default: false },
          { name: 'explanation_text', type: 'text', isNullable: true },
          { name: 'cause_category', type: 'varchar', length: '20', isNullable: true },
          { name: 'weight', type: 'varchar', length: '20', isNullable: true },
          { name: 'rule_score', type: 'varchar', length: '20', isNullable: true },
          { name: 'draft', type: 'text', isNullable: true },
          { name: 'reviewer_score', type: 'decimal', precision: 9, scale: 4, isNullable: true },
          { name: 'reviewer_comment', type: 'text', isNullable: true },
          { name: 'reviewer', type: 'varchar', length: '100', isNullable: true },
          { name: 'reviewed_at', type: ts, isNullable: true },
        ],
        indices: [{ name: 'uq_indicator_score', columnNames: ['evaluation_id', 'indicator_id'], isUnique: true }],
        foreignKeys: [
          references('evaluation_id', 'self_evaluation', 'CASCADE'),
          references('indicator_id', 'indicator', 'RESTRICT'),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('indicator_score');
    await qr.dropTable('self_evaluation');
  }
}
