import { randomUUID } from 'node:crypto';
import { BeforeInsert, PrimaryColumn } from 'typeorm';

/**
 * UUIDs are made in the application and stored as varchar(36): the same column type on SQLite and
 * PostgreSQL, so foreign keys match on both and no database extension is needed.
 */
export abstract class WithUuid {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;

  @BeforeInsert() assignId() {
    if (!this.id) this.id = randomUUID();
  }
}
