import type { DeliveryStatus, ReportKind, SheetScore } from '@selfeval/domain';
import { Column, Entity, Index } from 'typeorm';
import { decimalString } from '../decimal.transformer';
import { WithUuid } from './with-uuid';

/** The year-end self-evaluation of one target sheet: scores are derived from data at data_version. */
@Entity('self_evaluation')
export class SelfEvaluationEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'sheet_id', unique: true }) sheetId!: string;
  @Column({ type: 'varchar', length: 36, name: 'unit_id' }) unitId!: string;
  @Column({ type: 'varchar', length: 40, name: 'profile_id' }) profileId!: string;
  @Column({ type: 'integer', name: 'profile_version' }) profileVersion!: number;
  /** bumped by every change of inputs (actuals, weights, explanations, profile) */
  @Column({ type: 'integer', name: 'data_version' }) dataVersion!: number;
  @Column({ type: 'integer', nullable: true, name: 'scored_version' }) scoredVersion!: number | null;
  /** stale: inputs changed and a scoring job is queued; failed: see score_error */
  @Column({ type: 'varchar', length: 10, name: 'score_state' }) scoreState!: 'stale' | 'scored' | 'failed';
  @Column({ type: 'text', nullable: true, name: 'score_error' }) scoreError!: string | null;
  @Column({ type: 'varchar', length: 12, nullable: true }) total!: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true, name: 'total_exact' }) totalExact!: string | null;
  @Column({ type: 'varchar', length: 4, nullable: true }) grade!: string | null;
  /** the scoring engine's result at scored_version, stored as computed */
  @Column({ type: 'simple-json', nullable: true }) result!: SheetScore | null;
  @Column({ type: 'text', nullable: true, name: 'execution_explanation' }) executionExplanation!: string | null;
  @Column({ type: Date, nullable: true, name: 'scored_at' }) scoredAt!: Date | null;
  /** 年度总体目标的实际完成情况, in the unit's words */
  @Column({ type: 'text', nullable: true, name: 'goal_actual' }) goalActual!: string | null;
  /** 自评报告 sections written by the unit, by outline section id */
  @Column({ type: 'simple-json', nullable: true, name: 'report_texts' }) reportTexts!: Record<string, string> | null;
  /** draft → submitted (unit head) → approved / returned (evaluator) */
  @Column({ type: 'varchar', length: 12, default: 'draft' }) status!: 'draft' | 'submitted' | 'approved' | 'returned';
  @Column({ type: 'varchar', length: 100, nullable: true, name: 'submitted_by' }) submittedBy!: string | null;
  @Column({ type: Date, nullable: true, name: 'submitted_at' }) submittedAt!: Date | null;
  @Column({ type: 'varchar', length: 100, nullable: true, name: 'decided_by' }) decidedBy!: string | null;
  @Column({ type: Date, nullable: true, name: 'decided_at' }) decidedAt!: Date | null;
  @Column({ type: 'text', nullable: true, name: 'return_reason' }) returnReason!: string | null;
}

/** Per indicator: unit weight and texts (inputs), rule score and draft (outputs), reviewer score beside them. */
@Entity('indicator_score')
@Index('uq_indicator_score', ['evaluationId', 'indicatorId'], { unique: true })
export class IndicatorScoreEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'evaluation_id' }) evaluationId!: string;
  @Column({ type: 'varchar', length: 36, name: 'indicator_id' }) indicatorId!: string;
  @Column({ type: 'decimal', precision: 9, scale: 4, nullable: true, name: 'unit_weight', transformer: decimalString })
  unitWeight!: string | null;
  @Column({ type: 'boolean', name: 'not_applicable', default: false }) notApplicable!: boolean;
  @Column({ type: 'text', nullable: true, name: 'explanation_text' }) explanationText!: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true, name: 'cause_category' }) causeCategory!: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) weight!: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true, name: 'rule_score' }) ruleScore!: string | null;
  @Column({ type: 'text', nullable: true }) draft!: string | null;
  @Column({
    type: 'decimal',
    precision: 9,
    scale: 4,
    nullable: true,
    name: 'reviewer_score',
    transformer: decimalString,
  })
  reviewerScore!: string | null;
  @Column({ type: 'text', nullable: true, name: 'reviewer_comment' }) reviewerComment!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) reviewer!: string | null;
  @Column({ type: Date, nullable: true, name: 'reviewed_at' }) reviewedAt!: Date | null;
}

export type { ReportKind };

/**
 * A rendered PDF: one per subject (evaluation or quarter report), data version and kind;
 * the bytes live under DATA_DIR/reports/<sha256>.pdf.
 */
@Entity('report_file')
@Index('uq_report_file', ['evaluationId', 'dataVersion', 'kind'], { unique: true })
export class ReportFileEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, nullable: true, name: 'evaluation_id' }) evaluationId!: string | null;
  @Column({ type: 'varchar', length: 36, nullable: true, name: 'quarter_report_id' }) quarterReportId!: string | null;
  @Column({ type: 'integer', name: 'data_version' }) dataVersion!: number;
  @Column({ type: 'varchar', length: 40 }) kind!: ReportKind;
  @Column({ type: 'varchar', length: 64 }) sha256!: string;
  @Column({ type: 'integer' }) size!: number;
  @Column({ type: 'varchar', length: 200, name: 'file_name' }) fileName!: string;
  @Column({ type: Date, name: 'created_at' }) createdAt!: Date;
}

/** A Word or Excel copy of a rendered document, made from the same view model as its PDF (same data version). */
@Entity('report_file_copy')
@Index('uq_report_file_copy', ['reportFileId', 'format'], { unique: true })
export class ReportFileCopyEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'report_file_id' }) reportFileId!: string;
  @Column({ type: 'varchar', length: 10 }) format!: 'docx' | 'xlsx';
  @Column({ type: 'varchar', length: 64 }) sha256!: string;
  @Column({ type: 'integer' }) size!: number;
  @Column({ type: 'varchar', length: 200, name: 'file_name' }) fileName!: string;
}

/**
 * One mailing of a rendered document: `auto` when generating it asked for the mail, or a resend
 * (request_key: the page's or client's request id, so a repeated click finds its row instead of
 * sending twice). The mail itself goes through MailService under `mail_key`.
 */
@Entity('report_delivery')
@Index('uq_report_delivery', ['reportFileId', 'requestKey'], { unique: true })
export class ReportDeliveryEntity extends WithUuid {
  @Column({ type: 'varchar', length: 36, name: 'report_file_id' }) reportFileId!: string;
  @Column({ type: 'varchar', length: 100, name: 'request_key' }) requestKey!: string;
  @Column({ type: 'varchar', length: 10 }) status!: DeliveryStatus;
  @Column({ type: 'varchar', length: 200, nullable: true }) recipient!: string | null;
  /** why the last attempt failed, in Chinese (with `sending`: the job tries again) */
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true, name: 'mail_key' }) mailKey!: string | null;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ type: 'varchar', length: 100, name: 'requested_by' }) requestedBy!: string;
  @Column({ type: Date, name: 'requested_at' }) requestedAt!: Date;
  @Column({ type: Date, nullable: true, name: 'finished_at' }) finishedAt!: Date | null;
}
