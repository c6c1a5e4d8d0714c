import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

/** Accounts, evaluator assignments, and the self-evaluation's review workflow. */
export class Accounts1732700000000 implements MigrationInterface {
  name = 'Accounts1732700000000';

  async up(qr: QueryRunner): Promise<void> {
    const timestamp = qr.connection.driver.normalizeType({ type: Date });
    await qr.createTable(
      new Table({
        name: 'user_account',
        columns: [
          ID_COLUMN,
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '100' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'unit_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'email', type: 'varchar', length: '200', isNullable: true },
          { name: 'password_hash', type: 'varchar', length: '100' },
          { name: 'must_change_password', type: 'boolean', default: true },
          { name: 'active', type: 'boolean', default: true },
          { name: 'created_at', type: timestamp },
          { name: 'last_login_at', type: timestamp, isNullable: true },
        ],
        foreignKeys: [references('unit_id', 'unit', 'RESTRICT')],
        checks: [{ name: 'ck_user_unit', expression: "(role IN ('reporter', 'head')) = (unit_id IS NOT NULL)" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'evaluator_assignment',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'unit_id', type: 'varchar', length: '36', isPrimary: true },
        ],
        foreignKeys: [
          references('user_id', 'user_account', 'CASCADE'),
          { columnNames: ['unit_id'], referencedTableName: 'unit', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await qr.addColumns('self_evaluation', [
      // draft → submitted (unit head) → approved / returned (evaluator); returned goes back to draft on the next change
      new TableColumn({ name: 'status', type: 'varchar', length: '12', default: "'draft'" }),
      new TableColumn({ name: 'submitted_by', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'submitted_at', type: timestamp, isNullable: true }),
      new TableColumn({ name: 'decided_by', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'decided_at', type: timestamp, isNullable: true }),
      new TableColumn({ name: 'return_reason', type: 'text', isNullable: true }),
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const c of ['return_reason', 'decided_at', 'decided_by', 'submitted_at', 'submitted_by', 'status'])
      await qr.dropColumn('self_evaluation', c);
    await qr.dropTable('evaluator_assignment');
    await qr.dropTable('user_account');
  }
}
