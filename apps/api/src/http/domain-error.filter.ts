import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpServer,
  HttpStatus,
  Logger,
  PayloadTooLargeException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from '@selfeval/domain';
import { barePage, ErrorPages, isChinese, PLAIN_MESSAGES } from '../web/error-pages';

/** Every domain error code has an honest HTTP status; a new code without one fails to compile. */
export const STATUS: Record<DomainErrorCode, number> = {
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
  CONFLICT: HttpStatus.CONFLICT,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  CSRF_FAILED: HttpStatus.FORBIDDEN,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Errors that mean the database cannot be reached right now (not a bad query): the pool reconnects by
 * itself, so the request answers 503 and the next one may succeed.
 */
const DB_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);
export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string; message?: string }; message?: string } | null;
  const code = err?.driverError?.code ?? err?.code;
  if (code && DB_DOWN_CODES.has(code)) return true;
  const message = err?.driverError?.message ?? err?.message ?? '';
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

/** A JSON client's path: everything under /api. */
export const isApiPath = (req: Request): boolean => req.path.startsWith('/api/') || req.path === '/api';

/**
 * Domain errors in Chinese (JSON under /api, pages otherwise), 503 while the database is away. Under /api any
 * other error goes to Nest as before; a page gets an error page in the layout with its status (an unknown
 * address 404, a refusal 403, an unexpected error 500) and never a framework's English or a stack trace.
 */
@Catch()
export class DomainErrorFilter extends BaseExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('ExceptionsHandler');

  constructor(
    adapter?: HttpServer,
    private readonly pages?: ErrorPages,
  ) {
    super(adapter);
  }

  override catch(error: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (error instanceof PayloadTooLargeException) {
      if (!isApiPath(req)) return void this.page(req, res, HttpStatus.PAYLOAD_TOO_LARGE, PLAIN_MESSAGES[413]);
      res
        .status(HttpStatus.PAYLOAD_TOO_LARGE)
        .json({ code: 'FILE_TOO_LARGE', message: '上传的文件超过大小上限（20 MB）', where: {} });
      return;
    }
    if (error instanceof DomainError) return sendError(req, res, error, this.pages);
    if (isDatabaseUnavailable(error)) {
      res.setHeader('Retry-After', '5');
      return sendError(req, res, new DomainError('UNAVAILABLE', '数据库暂时无法连接，请稍后重试'), this.pages);
    }
    if (isApiPath(req)) return super.catch(error, host);
    if (error instanceof HttpException && error.getStatus() < 500) {
      const status = error.getStatus();
      const text = error.message;
      // a page's only input on a GET is its address: a malformed one is a page that does not exist
      if (status === 400 && req.method === 'GET') return void this.page(req, res, 404, PLAIN_MESSAGES[404]);
      return void this.page(req, res, status, isChinese(text) ? text : (PLAIN_MESSAGES[status] ?? PLAIN_MESSAGES[400]));
    }
    // unexpected: logged in full for the operators, a plain page for the person
    this.log.error(`${req.method} ${req.path}: ${(error as Error)?.message ?? String(error)}`, (error as Error)?.stack);
    return void this.page(req, res, 500, PLAIN_MESSAGES[500]);
  }

  private page(req: Request, res: Response, status: number, message: string) {
    if (this.pages) return this.pages.send(req, res, status, message);
    res.status(status).type('html').send(barePage(message));
  }
}

/**
 * JSON under /api; for pages: sign-in and password changes redirect, anything else is an error page in the
 * layout (message escaped) with the error's status.
 */
export function sendError(req: Request, res: Response, error: DomainError, pages?: ErrorPages): void {
  const status = STATUS[error.code];
  if (isApiPath(req)) {
    res
      .status(status)
      .json({ code: error.code, message: error.userMessage, where: error.where, details: error.details });
    return;
  }
  if (error.code === 'UNAUTHENTICATED' && req.method === 'GET') {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  if (error.code === 'FORBIDDEN' && error.where.field === 'password' && req.method === 'GET') {
    res.redirect(303, '/password');
    return;
  }
  const details = error.details.map((d) => d.message).filter((m) => m !== error.userMessage);
  if (pages) void pages.send(req, res, status, error.userMessage, details);
  else res.status(status).type('html').send(barePage(error.userMessage, details));
}
