import type {
  BudgetAdjustmentEntity,
  IndicatorValueEntity,
  MonitoringResultEntity,
  QuarterReportEntity,
  ReportSpendingEntity,
  ReportStatus,
} from '@selfeval/db';

/** A quarter report as GET /api/actuals/sheets/:sheetId/periods/:period returns it, with what was reported. */
export interface QuarterReportResponse {
  id: string;
  sheetId: string;
  unitId: string;
  year: number;
  period: string;
  status: ReportStatus;
  spentTotal: string;
  adjustedBudget: string;
  overspendExplanation: string | null;
  returnReason: string | null;
  submittedBy: string | null;
  submittedAt: Date | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  dataVersion: number;
  spending: ReportSpendingEntity[];
  adjustments: BudgetAdjustmentEntity[];
  values: IndicatorValueEntity[];
  monitoring: MonitoringResultEntity | null;
}

export function toQuarterReportResponse(
  r: QuarterReportEntity,
  data: Pick<QuarterReportResponse, 'spending' | 'adjustments' | 'values' | 'monitoring'>,
): QuarterReportResponse {
  return {
    id: r.id,
    sheetId: r.sheetId,
    unitId: r.unitId,
    year: r.year,
    period: r.period,
    status: r.status,
    spentTotal: r.spentTotal,
    adjustedBudget: r.adjustedBudget,
    overspendExplanation: r.overspendExplanation,
    returnReason: r.returnReason,
    submittedBy: r.submittedBy,
    submittedAt: r.submittedAt,
    confirmedBy: r.confirmedBy,
    confirmedAt: r.confirmedAt,
    dataVersion: r.dataVersion,
    ...data,
  };
}
