import type { IndicatorLight, SpendingLight } from '@selfeval/domain';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { decimalString } from '../decimal.transformer';
import { WithUuid } from './with-uuid';

const money = { type: 'decimal' as const, precision: 18, scale: 6, transformer: decimalString };

export type ReportStatus = 'draft' | 'submitted' | 'confirmed' | 'returned';

/** One reporting period of a year: Q1..Q4 (cumulative), open between opensAt and closesAt. */
@Entity('report_period')
@Index('uq_report_period', ['year', 'period'], { unique: true })
export class ReportPeriodEntity extends WithUuid {
  @Column({ type: 'integer' }) year!: number;
  @Column({ type: 'varchar', length: 2 }) period!: string;
  @Column({ type: Date, name: 'opens_at' }) opensAt!: Date;
  @Column({ type: Date, name: 'closes_at' }) closesAt!: Date;
}

/** An administrator's reopening of a closed period for one unit. */
@Entity('period_reopen')
export class PeriodReopenEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'unit_id' }) unitId!: string;
  @Column({ type: 'integer' }) year!: number;
  @Column({ type: 'varchar', length: 2 }) period!: string;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: Date }) until!: Date;
  @Column({ type: 'varchar', length: 100, name: 'created_by' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at' }) createdAt!: Date;
}

/** A unit's cumulative report for one target sheet and period. */
@Entity('quarter_report')
@Index('uq_quarter_report', ['sheetId', 'period'], { unique: true })
export class QuarterReportEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'sheet_id' }) sheetId!: string;
  @Column({ type: 'varchar', length: 36, name: 'unit_id' }) unitId!: string;
  @Column({ type: 'integer' }) year!: number;
  @Column({ type: 'varchar', length: 2 }) period!: string;
  @Column({ type: 'varchar', length: 16 }) status!: ReportStatus;
  @Column({ ...money, name: 'spent_total' }) spentTotal!: string;
  @Column({ ...money, name: 'adjusted_budget' }) adjustedBudget!: string;
  @Column({ type: 'text', nullable: true, name: 'overspend_explanation' }) overspendExplanation!: string | null;
  @Column({ type: 'text', nullable: true, name: 'return_reason' }) returnReason!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true, name: 'submitted_by' }) submittedBy!: string | null;
  @Column({ type: Date, nullable: true, name: 'submitted_at' }) submittedAt!: Date | null;
  @Column({ type: 'varchar', length: 100, nullable: true, name: 'confirmed_by' }) confirmedBy!: string | null;
  @Column({ type: Date, nullable: true, name: 'confirmed_at' }) confirmedAt!: Date | null;
  /** Bumped on every change; jobs computed from an older version are discarded. */
  @Column({ type: 'integer', name: 'data_version' }) dataVersion!: number;
}

@Entity('report_spending')
export class ReportSpendingEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'report_id' }) reportId!: string;
  @Column({ type: 'varchar', length: 30 }) source!: string;
  @Column({ ...money }) amount!: string;
}

@Entity('budget_adjustment')
export class BudgetAdjustmentEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'report_id' }) reportId!: string;
  @Column({ ...money }) amount!: string;
  @Column({ type: 'text' }) reason!: string;
}

@Entity('indicator_value')
@Index('uq_indicator_value', ['reportId', 'indicatorId'], { unique: true })
export class IndicatorValueEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'report_id' }) reportId!: string;
  @Column({ type: 'varchar', length: 36, name: 'indicator_id' }) indicatorId!: string;
  @Column({ type: 'text', nullable: true, name: 'value_raw' }) valueRaw!: string | null;
  @Column({ type: 'decimal', precision: 20, scale: 6, nullable: true, name: 'value_num', transformer: decimalString })
  valueNum!: string | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) grade!: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) likelihood!: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true, name: 'cause_category' }) causeCategory!: string | null;
  @Column({ type: 'text', nullable: true, name: 'cause_text' }) causeText!: string | null;
}

/** Who changed what, when: old → new, for every change to reported data and workflow state. */
@Entity('audit_log')
@Index('ix_audit_entity', ['entityId'])
export class AuditLogEntity extends WithUuid {
  @Column({ type: 'varchar', length: 40 }) entity!: string;
  @Column({ type: 'varchar', length: 36, name: 'entity_id' }) entityId!: string;
  @Column({ type: 'varchar', length: 30 }) action!: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) field!: string | null;
  @Column({ type: 'text', nullable: true, name: 'old_value' }) oldValue!: string | null;
  @Column({ type: 'text', nullable: true, name: 'new_value' }) newValue!: string | null;
  @Column({ type: 'varchar', length: 100 }) actor!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @CreateDateColumn({ name: 'created_at' }) createdAt!: Date;
}

/** What the monitoring job stored: the spending light and one light per indicator, as computed. */
export interface MonitoringDetails {
  spending: SpendingLight;
  indicators: (IndicatorLight & { indicatorId: string; name: string })[];
}

/** Lights computed by the monitoring job for one report at one data version. */
@Entity('monitoring_result')
export class MonitoringResultEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'report_id', unique: true }) reportId!: string;
  @Column({ type: 'integer', name: 'data_version' }) dataVersion!: number;
  @Column({ type: 'varchar', length: 10, name: 'spending_light' }) spendingLight!: string;
  @Column({ type: 'varchar', length: 10, name: 'indicator_light' }) indicatorLight!: string;
  @Column({ type: 'simple-json' }) details!: MonitoringDetails;
  @Column({ type: Date, name: 'computed_at' }) computedAt!: Date;
}

/** 佐证材料: stored once per content hash under DATA_DIR/evidence; this row links it to a report. */
@Entity('evidence_file')
@Index('ix_evidence_report', ['reportId'])
export class EvidenceFileEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'report_id' }) reportId!: string;
  @Column({ type: 'varchar', length: 36, nullable: true, name: 'indicator_id' }) indicatorId!: string | null;
  @Column({ type: 'varchar', length: 64 }) sha256!: string;
  @Column({ type: 'varchar', length: 200, name: 'file_name' }) fileName!: string;
  @Column({ type: 'varchar', length: 120 }) mime!: string;
  @Column({ type: 'integer' }) size!: number;
  @Column({ type: 'varchar', length: 100, name: 'uploaded_by' }) uploadedBy!: string;
  @CreateDateColumn({ name: 'created_at' }) createdAt!: Date;
}

/** One mail to one recipient, keyed so a retried job never sends it twice (see MailService). */
@Entity('mail_delivery')
export class MailDeliveryEntity extends WithUuid {
  @Column({ type: 'varchar', length: 200, name: 'dedupe_key', unique: true }) dedupeKey!: string;
  @Column({ type: 'varchar', length: 200 }) recipient!: string;
  @Column({ type: 'varchar', length: 300 }) subject!: string;
  @Column({ type: 'varchar', length: 10 }) status!: 'sending' | 'sent' | 'failed';
  @Column({ type: 'varchar', length: 300, name: 'message_id' }) messageId!: string;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ type: Date, nullable: true, name: 'sent_at' }) sentAt!: Date | null;
  /** while 发送中: until when the sending process holds it (after that another may take it over) */
  @Column({ type: Date, nullable: true, name: 'lease_until' }) leaseUntil!: Date | null;
  @CreateDateColumn({ name: 'created_at' }) createdAt!: Date;
}
