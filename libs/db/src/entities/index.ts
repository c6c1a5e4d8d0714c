import {
  AuditLogEntity,
  BudgetAdjustmentEntity,
  EvidenceFileEntity,
  IndicatorValueEntity,
  MailDeliveryEntity,
  MonitoringResultEntity,
  PeriodReopenEntity,
  QuarterReportEntity,
  ReportPeriodEntity,
  ReportSpendingEntity,
} from './actuals.entities';
import {
  IndicatorScoreEntity,
  ReportDeliveryEntity,
  ReportFileCopyEntity,
  ReportFileEntity,
  SelfEvaluationEntity,
} from './evaluation.entities';
import { IndicatorEntity } from './indicator.entity';
import { EvaluatorAssignmentEntity, PasswordResetEntity, UserAccountEntity } from './account.entities';
import { TargetSheetEntity } from './target-sheet.entity';
import { UnitEntity } from './unit.entity';

export {
  EvaluatorAssignmentEntity,
  PasswordResetEntity,
  UserAccountEntity,
  IndicatorScoreEntity,
  ReportFileEntity,
  ReportFileCopyEntity,
  ReportDeliveryEntity,
  SelfEvaluationEntity,
  AuditLogEntity,
  BudgetAdjustmentEntity,
  EvidenceFileEntity,
  MailDeliveryEntity,
  IndicatorEntity,
  IndicatorValueEntity,
  MonitoringResultEntity,
  PeriodReopenEntity,
  QuarterReportEntity,
  ReportPeriodEntity,
  ReportSpendingEntity,
  TargetSheetEntity,
  UnitEntity,
};
export type { SheetKind, SheetStatus } from './target-sheet.entity';
export type { MonitoringDetails, ReportStatus } from './actuals.entities';
export type { ReportKind } from './evaluation.entities';
export const ENTITIES = [
  UnitEntity,
  TargetSheetEntity,
  IndicatorEntity,
  ReportPeriodEntity,
  PeriodReopenEntity,
  QuarterReportEntity,
  ReportSpendingEntity,
  BudgetAdjustmentEntity,
  IndicatorValueEntity,
  AuditLogEntity,
  MonitoringResultEntity,
  EvidenceFileEntity,
  MailDeliveryEntity,
  SelfEvaluationEntity,
  IndicatorScoreEntity,
  ReportFileEntity,
  ReportFileCopyEntity,
  ReportDeliveryEntity,
  UserAccountEntity,
  EvaluatorAssignmentEntity,
  PasswordResetEntity,
];
