import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { UsersService } from '@selfeval/auth';
import { can, DomainError } from '@selfeval/domain';
import { ALL_QUEUES, Job, JOB_LABELS, JobProducer, Queue, QUEUE_LABELS } from '@selfeval/jobs';
import { sendError } from '../http/domain-error.filter';
import { errorPages } from '../configure-app';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * A queue on the board under its Chinese name: bull-board's sidebar and addresses use the adapter's name, which
 * would otherwise be the queue's wire name (`mail`, `scoring` …). Only the board's name changes; the adapter
 * still works on the queue itself, whose name in Redis stays the wire format (libs/jobs/src/job-registry.ts).
 */
class LabelledAdapter extends BullMQAdapter {
  override getName(): string {
    return QUEUE_LABELS[this.getQueueName() as Queue].displayName;
  }
}

/** The board's address of a queue's failed jobs (links from the home page and the mail page). */
export function failedJobsUrl(queue: Queue): string {
  return `${QUEUE_BOARD_PATH}/queue/${encodeURIComponent(QUEUE_LABELS[queue].displayName)}?status=failed`;
}

/**
 * The board's own JSON calls (retry, promote, clean …) cannot carry selfeval's CSRF token, so they
 * are accepted only from the board's own pages: the browser says so in Sec-Fetch-Site, or Origin
 * names this host. A cross-site page can set neither (and SameSite=Lax keeps the cookie away too).
 */
export function isSameOriginBoardCall(req: Request): boolean {
  if (!req.path.startsWith(`${QUEUE_BOARD_PATH}/api/`)) return false;
  const site = req.headers['sec-fetch-site'];
  if (site) return site === 'same-origin';
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin.replace(/^https?:\/\//, '') === req.headers.host;
}

/**
 * BullMQ's dashboard (bull-board) under /admin/queues, for administrators only: waiting, active,
 * delayed and failed jobs with their data, the reason and stack of a failure, retry and clean.
 * Mounted after the session middleware (it needs the signed-in user), outside Nest's router.
 */
export function mountQueueBoard(app: INestApplication): void {
  const producer = app.get(JobProducer);
  const users = app.get(UsersService);
  const pages = errorPages(app);
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => {
      const adapter = new LabelledAdapter(producer.queue(name), { ...QUEUE_LABELS[name], allowRetries: true });
      // job names in Chinese too (send-reminders → 截止提醒); the stored name is unchanged
      adapter.setFormatter('name', (job: { name?: string }) => JOB_LABELS[job.name as Job] ?? job.name ?? '');
      return adapter;
    }),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: '作业队列',
        locale: { lng: 'zh-CN' },
        hideDocsLink: true,
        miscLinks: [{ text: '返回绩效自评', url: '/' }],
      },
    },
  });
  const onlyAdministrators = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const userId = req.session?.userId;
      const user = userId ? await users.get(userId) : null;
      if (!user) throw new DomainError('UNAUTHENTICATED', '请先登录');
      if (user.mustChangePassword) throw new DomainError('FORBIDDEN', '请先修改初始密码', { field: 'password' });
      if (!can(user.role, 'system.read')) throw new DomainError('FORBIDDEN', '只有管理员可以查看作业队列');
      // the board's pages carry inline styles; scripts stay limited to its own files
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
      );
      next();
    } catch (e) {
      if (!(e instanceof DomainError)) return next(e);
      if (req.path.startsWith('/api/'))
        // relative to the mount point
        return void res.status(e.code === 'UNAUTHENTICATED' ? 401 : 403).json({ code: e.code, message: e.userMessage });
      sendError(req, res, e, pages);
    }
  };
  app.use(QUEUE_BOARD_PATH, onlyAdministrators, serverAdapter.getRouter());
}
