import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * Who is acting, for the audit trail. Until accounts exist (issue 7) it is taken from the
 * X-Actor header (URL-encoded), defaulting to 未登录用户; issue 7 replaces this with the session user.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const raw = ctx.switchToHttp().getRequest().headers['x-actor'];
  if (typeof raw !== 'string' || !raw) return '未登录用户';
  try {
    return decodeURIComponent(raw).slice(0, 100);
  } catch {
    return raw.slice(0, 100);
  }
});
