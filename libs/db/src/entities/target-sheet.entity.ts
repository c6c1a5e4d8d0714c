import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany } from 'typeorm';
import { WithUuid } from './with-uuid';
import { decimalString } from '../decimal.transformer';
import { IndicatorEntity } from './indicator.entity';
import { UnitEntity } from './unit.entity';

export type SheetKind = 'department' | 'project';
/**
 * draft → approved (locked) or rejected (目标调整 refused, with a reason in the audit trail); a newer import of the
 * same sheet supersedes an older draft, and the approval of a new version supersedes the approved one.
 */
export type SheetStatus = 'draft' | 'approved' | 'superseded' | 'rejected';

const money = { type: 'decimal' as const, precision: 18, scale: 6, nullable: true, transformer: decimalString };

/** 绩效目标表, one row per version; (unit, year, sheet_key, version) is unique. */
@Entity('target_sheet')
@Index('uq_target_sheet_version', ['unitId', 'year', 'sheetKey', 'version'], { unique: true })
export class TargetSheetEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'unit_id' }) unitId!: string;
  @ManyToOne(() => UnitEntity, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'unit_id' }) unit?: UnitEntity;
  @Column({ type: 'integer' }) year!: number;
  @Column({ type: 'varchar', length: 16 }) kind!: SheetKind;
  /** Stable identity across versions: `department` or `project:<code or name>`. */
  @Column({ type: 'varchar', length: 300, name: 'sheet_key' }) sheetKey!: string;
  @Column({ type: 'integer' }) version!: number;
  @Column({ type: 'varchar', length: 16 }) status!: SheetStatus;
  @Column({ type: 'varchar', length: 300 }) name!: string;
  @Column({ type: 'varchar', length: 64, nullable: true, name: 'project_code' }) projectCode!: string | null;
  /** 万元 */
  @Column({ ...money, name: 'budget_total' }) budgetTotal!: string | null;
  /** Full budget block of the interchange format (decimal strings, 万元). */
  @Column({ type: 'simple-json', name: 'budget' }) budget!: Record<string, string>;
  @Column({ type: 'simple-json', name: 'spending_plan' }) spendingPlan!: { month: number; percent: string }[];
  @Column({ type: 'text', nullable: true }) goal!: string | null;
  /** 项目类别, 项目属性, 实施期, 主管部门, 实施单位 … as published. */
  @Column({ type: 'simple-json' }) attributes!: Record<string, string>;
  @Column({ type: 'simple-json' }) warnings!: { code: string; message: string }[];
  @Column({ type: 'varchar', length: 300, nullable: true, name: 'source_name' }) sourceName!: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true, name: 'source_hash' }) sourceHash!: string | null;
  @Column({ type: 'text', nullable: true, name: 'change_reason' }) changeReason!: string | null;
  @CreateDateColumn({ name: 'created_at' }) createdAt!: Date;
  @Column({ type: Date, nullable: true, name: 'approved_at' }) approvedAt!: Date | null;
  @Column({ type: 'varchar', length: 100, nullable: true, name: 'approved_by' }) approvedBy!: string | null;
  @OneToMany(() => IndicatorEntity, (i) => i.sheet) indicators?: IndicatorEntity[];
}
