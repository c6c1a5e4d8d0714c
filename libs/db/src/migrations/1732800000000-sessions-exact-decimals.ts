import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { ID_COLUMN, references } from './table-parts';

/** Decimal columns per table (money 18,6 in 万元; indicator values 20,6; weights and scores 9,4). */
const DECIMAL_TABLES = [
  'target_sheet',
  'indicator',
  'quarter_report',
  'report_spending',
  'budget_adjustment',
  'indicator_value',
  'indicator_score',
];

/**
 * 1. user_account.session_version: a password change or reset bumps it and ends older sessions;
 *    password_reset: mailed reset tokens, stored as SHA-256 only, single use, short-lived.
 * 2. SQLite only: decimal columns become text. SQLite gives a column declared decimal NUMERIC
 *    affinity and stores 123456789012.123456 as a binary double (→ 123456789012.12346); a text
 *    column keeps the digits. PostgreSQL's numeric is exact already and stays. No SQL computes on
 *    these columns (sums are decimal.js in the application), so text costs nothing.
 */
export class SessionsExactDecimals1732800000000 implements MigrationInterface {
  name = 'SessionsExactDecimals1732800000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('user_account', new TableColumn({ name: 'session_version', type: 'int', default: 0 }));
    const timestamp = qr.connection.driver.normalizeType({ type: Date });
    await qr.createTable(
      new Table({
        name: 'password_reset',
        columns: [
          ID_COLUMN,
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'expires_at', type: timestamp },
          { name: 'used_at', type: timestamp, isNullable: true },
          { name: 'created_at', type: timestamp },
        ],
        foreignKeys: [references('user_id', 'user_account', 'CASCADE')],
        indices: [{ name: 'ix_password_reset_user', columnNames: ['user_id'] }],
      }),
    );
    if (!isSqlite(qr)) return;
    for (const name of DECIMAL_TABLES) {
      const table = await qr.getTable(name);
      if (!table) continue;
      const changes = table.columns
        .filter((c) => /^(decimal|numeric)/i.test(c.type))
        .map((c) => {
          const text = c.clone();
          text.type = 'varchar';
          text.length = '40';
          text.precision = undefined;
          text.scale = undefined;
          return { oldColumn: c, newColumn: text };
        });
      // the existing values were doubles already; CAST AS TEXT keeps what was stored
      if (changes.length) await qr.changeColumns(table, changes);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    if (isSqlite(qr)) {
      for (const name of DECIMAL_TABLES) {
        const table = await qr.getTable(name);
        if (!table) continue;
        const changes = table.columns
          .filter((c) => c.type === 'varchar' && c.length === '40' && DECIMAL_COLUMNS[name]?.[c.name])
          .map((c) => {
            const [precision, scale] = DECIMAL_COLUMNS[name][c.name];
            const dec = c.clone();
            dec.type = 'decimal';
            dec.length = '';
            dec.precision = precision;
            dec.scale = scale;
            return { oldColumn: c, newColumn: dec };
          });
        if (changes.length) await qr.changeColumns(table, changes);
      }
    }
    await qr.dropTable('password_reset');
    await qr.dropColumn('user_account', 'session_version');
  }
}

/** What `down` restores on SQLite. */
const DECIMAL_COLUMNS: Record<string, Record<string, [number, number]>> = {
  target_sheet: { budget_total: [18, 6] },
  indicator: { target_value: [20, 6], weight: [9, 4] },
  quarter_report: { spent_total: [18, 6], adjusted_budget: [18, 6] },
  report_spending: { amount: [18, 6] },
  budget_adjustment: { amount: [18, 6] },
  indicator_value: { value_num: [20, 6] },
  indicator_score: { unit_weight: [9, 4], reviewer_score: [9, 4] },
};

function isSqlite(qr: QueryRunner): boolean {
  return qr.connection.driver.options.type === 'better-sqlite3';
}
