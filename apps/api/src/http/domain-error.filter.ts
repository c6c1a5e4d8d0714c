import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from '@selfeval/domain';

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

/** Domain errors in Chinese (JSON under /api, pages otherwise), 503 while the database is away; the rest to Nest. */
@Catch()
export class DomainErrorFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (error instanceof PayloadTooLargeException) {
      res
        .status(HttpStatus.PAYLOAD_TOO_LARGE)
        .json({ code: 'FILE_TOO_LARGE', message: '上传的文件超过大小上限（20 MB）', where: {} });
      return;
    }
    if (error instanceof DomainError) return sendError(req, res, error);
    if (isDatabaseUnavailable(error)) {
      res.setHeader('Retry-After', '5');
      return sendError(req, res, new DomainError('UNAVAILABLE', '数据库暂时无法连接，请稍后重试'));
    }
    super.catch(error, host);
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * JSON under /api; for pages: sign-in and password changes redirect, anything else is a small
 * Chinese error page (message escaped).
 */
export function sendError(req: Request, res: Response, error: DomainError): void {
  const status = STATUS[error.code];
  if (req.path.startsWith('/api/') || req.path === '/api') {
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
  const details = error.details.map((d) => `<li>${escapeHtml(d.message)}</li>`).join('');
  res
    .status(status)
    .type('html')
    .send(
      `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>出错了 - 绩效自评</title><link rel="stylesheet" href="/assets/app.css"></head><body><main class="page"><h1>出错了</h1><p role="alert">${escapeHtml(error.userMessage)}</p>${details ? `<ul>${details}</ul>` : ''}<p><a href="/">返回首页</a></p></main></body></html>`,
    );
}
