import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Global, Inject, Injectable, Module, RequestMethod } from '@nestjs/common';
import { Logger, LoggerModule as PinoLoggerModule, Params, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import pretty from 'pino-pretty';
import { APP_CONFIG, AppConfig } from './config.module';

/** Nest's boot chatter (one line per module and route, ~110 lines): debug, not info. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** The Nest logger for both apps: pino underneath, boot chatter moved to debug. */
@Injectable()
export class AppLogger extends Logger {
  constructor(logger: PinoLogger, @Inject(PARAMS_PROVIDER_TOKEN) params: Params) {
    super(logger, params);
  }

  override log(message: unknown, ...optional: unknown[]) {
    const context = optional[optional.length - 1];
    if (typeof context === 'string' && BOOT_CONTEXTS.has(context)) return super.debug(message, ...optional);
    return super.log(message, ...optional);
  }
}

/**
 * What a log line may say about a request. A whitelist, not a redaction list: cookies, session ids,
 * CSRF tokens (headers, or `_csrf` in a multipart form's query string) and bodies never reach the log.
 */
export const requestSerializer = (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) => ({
  id: req.id,
  method: req.method,
  url: safeUrl(req.url ?? ''),
  remoteAddress: req.remoteAddress,
});
const responseSerializer = (res: { statusCode?: number }) => ({ statusCode: res.statusCode });

/** The path and query without secrets: `_csrf` (and anything named like a token or password) is replaced. */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()])
    if (/csrf|token|password|secret|sid|session/i.test(key)) params.set(key, '[已隐藏]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

const pathOf = (req: IncomingMessage) => (req.url ?? '').split('?')[0];

/** Health probes every few seconds and static assets would drown the requests people care about. */
const quietRequest = (req: IncomingMessage) => {
  const p = pathOf(req);
  return p === '/api/health' || p.startsWith('/assets/') || p === '/favicon.ico';
};

/**
 * Logs for the reader: in development one coloured line per request (`GET /login 200 12ms`) and
 * Nest's boot chatter at debug; JSON lines (pino) in production and tests. Every HTTP request gets an
 * id, echoed as X-Request-Id.
 */
export function loggerParams(config: AppConfig): Params {
  const options = {
    level: config.logLevel,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: { req: requestSerializer, res: responseSerializer },
    autoLogging: { ignore: quietRequest },
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) =>
      `${req.method} ${safeUrl(req.url ?? '')} ${res.statusCode} ${Math.round(ms)}ms`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
      `${req.method} ${safeUrl(req.url ?? '')} ${res.statusCode} 失败`,
  };
  if (config.logFormat === 'json')
    return { forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }], pinoHttp: options };
  // synchronous: the start command's account box, printed after boot, must come after the boot lines
  const stream = pretty({
    sync: true,
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,req,res,responseTime,context,reqId',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return { forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }], pinoHttp: [options, stream] };
}

@Global()
@Module({
  imports: [PinoLoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerParams })],
  providers: [AppLogger],
  exports: [AppLogger],
})
export class LoggerModule {}
