import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UsersService } from '@selfeval/auth';
import type { RequestActor } from '../auth/access.decorators';
import { attachActor } from '../auth/access.guard';
import { WebViews } from './web-views';

/** The heading of an error page per status; anything not listed is 出错了. */
const HEADINGS: Record<number, string> = {
  400: '请求有误',
  403: '无权访问',
  404: '找不到该页面',
  409: '操作未完成',
  413: '文件太大',
  422: '填写有误',
  429: '操作太频繁',
  500: '系统出错了',
  503: '服务暂时不可用',
};

/** What a person reads when the error itself has no Chinese message (a framework's English one is never shown). */
export const PLAIN_MESSAGES: Record<number, string> = {
  400: '请求的地址或内容不正确。',
  403: '您没有查看该页面的权限。',
  404: '您要找的页面不存在，可能地址有误，或内容已被删除。',
  413: '上传的文件超过大小上限（20 MB），未保存。',
  500: '处理您的请求时系统出错了，请稍后重试；如果一直出错，请联系管理员。',
};

/** true when a message is written for people (Chinese), not a framework's English. */
export const isChinese = (text: string): boolean => /[\u4e00-\u9fff]/.test(text);

/**
 * Error pages inside the normal layout (header, navigation of the signed-in user, a way back to 首页) with the
 * status of the error. Requests that no route handled (an unknown address) never met the AccessGuard, so the
 * session's user is looked up here; any failure of that lookup or of rendering falls back to a bare page.
 */
export class ErrorPages {
  private readonly logger = new Logger('ErrorPages');

  constructor(
    private readonly views: WebViews,
    private readonly users: UsersService,
  ) {}

  async send(req: Request, res: Response, status: number, message: string, details: string[] = []): Promise<void> {
    if (res.headersSent) return;
    let html: string;
    try {
      const r = req as Request & { actor?: RequestActor };
      if (!r.actor && req.session?.userId) await attachActor(this.users, r, req.session.userId).catch(() => null);
      html = this.views.render(req, 'error', HEADINGS[status] ?? '出错了', {
        code: status,
        heading: HEADINGS[status] ?? '出错了',
        message,
        details,
      });
    } catch (e) {
      this.logger.warn(`error page not rendered: ${(e as Error).message}`);
      html = barePage(message, details);
    }
    if (!res.headersSent) res.status(status).type('html').send(html);
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The last resort when the layout cannot be rendered (e.g. the templates are missing): still Chinese, still escaped. */
export function barePage(message: string, details: string[] = []): string {
  const list = details.map((d) => `<li>${escapeHtml(d)}</li>`).join('');
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>出错了 - 绩效自评</title><link rel="stylesheet" href="/assets/app.css"></head><body><main class="page"><h1>出错了</h1><p role="alert">${escapeHtml(message)}</p>${list ? `<ul>${list}</ul>` : ''}<p><a href="/">返回首页</a></p></main></body></html>`;
}
