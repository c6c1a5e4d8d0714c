import type { ReportStatus } from '@selfeval/db';
import { STATUS_NAME } from '@selfeval/domain';

export const REPORT_STATUS_NAME: Record<ReportStatus, string> = STATUS_NAME;

/** The unit edits a report (data, evidence) only before submission or after a return. */
export const EDITABLE: readonly ReportStatus[] = ['draft', 'returned'];

/** What a conditional write reports when another request changed the report first. */
export const REPORT_CONFLICT = '该季度报告已被他人提交或状态已变化，请刷新后重试';
