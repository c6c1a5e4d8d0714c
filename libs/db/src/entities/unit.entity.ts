import { Column, CreateDateColumn, Entity } from 'typeorm';
import { WithUuid } from './with-uuid';

/** 预算单位. */
@Entity('unit')
export class UnitEntity extends WithUuid {
  @Column({ type: 'varchar', length: 64, unique: true }) code!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  /** 主管部门 */
  @Column({ type: 'varchar', length: 200, nullable: true, name: 'parent_name' }) parentName!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) region!: string | null;
  /** Where the unit's reminders and report mails go. */
  @Column({ type: 'varchar', length: 200, nullable: true, name: 'contact_email' }) contactEmail!: string | null;
  /** 企业微信 / 钉钉 group-robot webhook for reminders and "report ready" notices; holds the robot's key. */
  @Column({ type: 'varchar', length: 500, nullable: true, name: 'webhook_url' }) webhookUrl!: string | null;
  @CreateDateColumn({ name: 'created_at' }) createdAt!: Date;
}
