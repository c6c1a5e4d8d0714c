import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorCode } from '@selfeval/domain';

/** Every domain error code has an honest HTTP status; a new code without one fails to compile. */
const STATUS: Record<DomainErrorCode, number> = {
  FILE_EMPTY: HttpStatus.UNPROCESSABLE_ENTITY,
  FILE_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  FILE_NOT_UTF8: HttpStatus.UNPROCESSABLE_ENTITY,
  FILE_FORMAT_UNSUPPORTED: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  NO_SHEETS_FOUND: HttpStatus.UNPROCESSABLE_ENTITY,
  SHEET_INVALID: HttpStatus.UNPROCESSABLE_ENTITY,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  SHEET_LOCKED: HttpStatus.CONFLICT,
  VALIDATION_FAILED: HttpStatus.UNPROCESSABLE_ENTITY,
  PERIOD_CLOSED: HttpStatus.CONFLICT,
  WORKFLOW_STATE: HttpStatus.CONFLICT,
};

@Catch(DomainError, PayloadTooLargeException)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError | PayloadTooLargeException, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof PayloadTooLargeException) {
      res.status(HttpStatus.PAYLOAD_TOO_LARGE).json({ code: 'FILE_TOO_LARGE', message: '上传的文件超过大小上限（20 MB）', where: {} });
      return;
    }
    res.status(STATUS[error.code]).json({ code: error.code, message: error.userMessage, where: error.where, details: error.details });
  }
}
