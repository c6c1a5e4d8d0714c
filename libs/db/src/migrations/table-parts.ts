import type { TableColumnOptions, TableForeignKeyOptions } from 'typeorm';

/*
 * Parts that recur in the migrations' Table definitions. They must keep producing exactly what the
 * migrations created when they ran in production: change a migration's schema only by a new migration.
 */

/** The uuid primary key every table has. */
export const ID_COLUMN: TableColumnOptions = { name: 'id', type: 'varchar', length: '36', isPrimary: true };

/** A foreign key from `column` to `table`.id. */
export function references(column: string, table: string, onDelete = 'CASCADE'): TableForeignKeyOptions {
  return { columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete };
}
