import type { ReportAttachments } from '@selfeval/domain';
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
  /** 单位概况 (migration 1733100000000): section 一 部门基本情况 of the 自评报告, and who to contact. */
  @Column({ type: 'text', nullable: true, name: 'main_functions' }) functions!: string | null;
  @Column({ type: 'text', nullable: true }) organization!: string | null;
  /** 编制数 */
  @Column({ type: 'integer', nullable: true, name: 'staff_quota' }) staffQuota!: number | null;
  /** 实有人数 */
  @Column({ type: 'integer', nullable: true, name: 'staff_actual' }) staffActual!: number | null;
  @Column({ type: 'text', nullable: true, name: 'staff_notes' }) staffNotes!: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true, name: 'contact_person' }) contactPerson!: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true, name: 'contact_phone' }) contactPhone!: string | null;
  /** 报告邮件附件 (migration 1733400000000): the PDF only, or with its Word/Excel copies */
  @Column({ type: 'varchar', length: 20, default: 'pdf', name: 'report_attachments' })
  reportAttachments!: ReportAttachments;
  /** bumped by every profile save: a save on top of a version the user did not read is refused */
  @Column({ type: 'integer', default: 0, name: 'profile_version' }) profileVersion!: number;
  @CreateDateColumn({ name: 'created_at' }) createdAt!: Date;
}
