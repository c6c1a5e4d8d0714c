import { ArgumentsHost, ForbiddenException, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { UsersService } from '@selfeval/auth';
import { DomainError } from '@selfeval/domain';
import { ErrorPages } from '../web/error-pages';
import { WebViews } from '../web/web-views';
import { DomainErrorFilter } from './domain-error.filter';

/** What the filter answered: status, content type and body. */
async function answer(error: unknown, path: string, method = 'GET') {
  const sent: { status?: number; type?: string; body?: unknown; location?: string } = {};
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const res = {
    headersSent: false,
    status(s: number) {
      sent.status = s;
      return res;
    },
    type(t: string) {
      sent.type = t;
      return res;
    },
    send(b: unknown) {
      sent.body = b;
      done();
      return res;
    },
    json(b: unknown) {
      sent.type = 'json';
      sent.body = b;
      done();
      return res;
    },
    redirect(s: number, l: string) {
      sent.status = s;
      sent.location = l;
      done();
    },
    setHeader: () => undefined,
  } as unknown as Response;
  const req = { path, method, originalUrl: path, session: {}, headers: {} } as unknown as Request;
  const host = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
  // no signed-in user here: the page is the layout without navigation
  const users = { get: async () => null } as unknown as UsersService;
  const filter = new DomainErrorFilter(undefined, new ErrorPages(new WebViews(), users));
  // the full error goes to the operators' log; here it would only be noise
  jest.spyOn((filter as unknown as { log: Logger }).log, 'error').mockImplementation(() => undefined);
  filter.catch(error, host);
  await finished;
  return sent;
}

describe('DomainErrorFilter on pages', () => {
  it('an unexpected error is a Chinese 500 page, never its message or stack', async () => {
    const boom = new TypeError("Cannot read properties of undefined (reading 'x')");
    const sent = await answer(boom, '/sheets/1/evaluation');
    expect(sent.status).toBe(500);
    expect(sent.type).toBe('html');
    expect(sent.body).toContain('<h1>系统出错了</h1>');
    expect(sent.body).toContain('返回首页');
    expect(sent.body).not.toMatch(/Cannot read|TypeError|\.ts:\d+/);
  });

  it('a framework 404 or 403 in English becomes the Chinese page with that status', async () => {
    const notFound = await answer(new NotFoundException('Cannot GET /x'), '/x');
    expect([notFound.status, notFound.body]).toEqual([404, expect.stringContaining('<h1>找不到该页面</h1>')]);
    expect(notFound.body).not.toContain('Cannot GET');
    const forbidden = await answer(new ForbiddenException('Forbidden resource'), '/admin/users');
    expect([forbidden.status, forbidden.body]).toEqual([403, expect.stringContaining('您没有查看该页面的权限')]);
  });

  it('a domain error keeps its status and Chinese message; under /api it stays JSON', async () => {
    const page = await answer(new DomainError('NOT_FOUND', '找不到该内容，或您无权查看'), '/sheets/1/evaluation');
    expect([page.status, page.type]).toEqual([404, 'html']);
    expect(page.body).toContain('找不到该内容，或您无权查看');
    const api = await answer(new DomainError('NOT_FOUND', '找不到该内容'), '/api/evaluations/1');
    expect(api).toMatchObject({ status: 404, type: 'json', body: { code: 'NOT_FOUND', message: '找不到该内容' } });
  });
});
