/** Codes of errors a user can cause; each carries a Chinese message naming the file/sheet/row/cell. */
export type DomainErrorCode =
  | 'FILE_EMPTY'
  | 'FILE_TOO_LARGE'
  | 'FILE_NOT_UTF8'
  | 'FILE_FORMAT_UNSUPPORTED'
  | 'NO_SHEETS_FOUND'
  | 'SHEET_INVALID'
  | 'NOT_FOUND'
  | 'SHEET_LOCKED'
  | 'VALIDATION_FAILED'
  | 'PERIOD_CLOSED'
  | 'WORKFLOW_STATE'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF_FAILED'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

export interface ErrorLocation {
  file?: string;
  sheet?: string;
  row?: number;
  cell?: string;
  field?: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** Shown to users, Chinese. */
    readonly userMessage: string,
    readonly where: ErrorLocation = {},
    /** every problem found, each naming its field, when there is more than one */
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(`${code}: ${userMessage}`);
    this.name = 'DomainError';
  }

  /** A refused form: every problem in the message (joined by ；), the first one's field as where, all as details. */
  static invalid(problems: { field: string; message: string }[]): DomainError {
    return new DomainError(
      'VALIDATION_FAILED',
      problems.map((p) => p.message).join('；'),
      { field: problems[0]?.field },
      problems,
    );
  }
}
