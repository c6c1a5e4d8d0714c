import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import RedisStore from 'connect-redis';
import { csrfSync } from 'csrf-sync';
import express, { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { AppConfig } from '@selfeval/config';
import type { RedisClient } from '@selfeval/jobs';
import { DomainError } from '@selfeval/domain';
import { sendError } from '../http/domain-error.filter';
import { isSameOriginBoardCall } from '../admin-queues/queue-board';
import { errorPages } from '../configure-app';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    /** the account's session_version at sign-in; a password change bumps it and ends this session */
    sessionVersion?: number;
  }
}

export const SESSION_COOKIE = 'selfeval.sid';
export const SESSION_HOURS = 8;

const csrf = csrfSync({
  // forms send _csrf (multipart forms in the query string, read before the body is parsed); scripts send the header
  getTokenFromRequest: (req: Request) =>
    (req.headers['x-csrf-token'] as string | undefined) ??
    (req.body as { _csrf?: string } | undefined)?._csrf ??
    (req.query._csrf as string | undefined),
  // the queue dashboard's own scripts cannot send the token; they are held to same-origin instead
  skipCsrfProtection: isSameOriginBoardCall,
});

/** The CSRF token of the request's session (created on first use). */
export const csrfToken = (req: Request): string => csrf.generateToken(req);

/**
 * Sessions in Redis (survive API restarts, shared by several API processes), an HttpOnly SameSite
 * cookie, CSRF tokens on every state-changing request, and security headers.
 */
export function configureSession(app: INestApplication, config: AppConfig, redis: RedisClient): void {
  // a lost connection is reported by /api/health; ioredis reconnects by itself
  redis.on('error', () => undefined);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  // pages and data differ per user: never cached by a browser or proxy, no ETag revalidation
  (app.getHttpAdapter().getInstance() as express.Express).set('etag', false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/assets/')) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // parsed before the CSRF check, which reads _csrf from form bodies (Nest's own parsers are off: createApi)
  app.use(express.json({ limit: '5mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(
    session({
      name: SESSION_COOKIE,
      store: new RedisStore({ client: redis, prefix: `${config.queuePrefix}:sess:` }),
      secret: config.auth.sessionSecret ?? randomBytes(32).toString('hex'),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.auth.cookieSecure, maxAge: SESSION_HOURS * 3600_000 },
    }),
  );
  const pages = errorPages(app);
  app.use((req: Request, res: Response, next: NextFunction) => {
    csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
      // middleware errors never reach Nest's exception filters: answer here
      if (err)
        sendError(
          req,
          res,
          new DomainError('CSRF_FAILED', '页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试'),
          pages,
        );
      else next();
    });
  });
}
