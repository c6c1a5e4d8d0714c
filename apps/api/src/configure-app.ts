import { INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '@selfeval/domain';
import { AppLogger } from '@selfeval/config';
import { DomainErrorFilter } from './http/domain-error.filter';
import { ErrorPages } from './web/error-pages';

/** Everything main.ts and the tests share, so tests exercise the production bootstrap. */
export function configureApp(app: INestApplication): INestApplication {
  app.useLogger(app.get(AppLogger));
  app.useGlobalFilters(new DomainErrorFilter(app.getHttpAdapter(), errorPages(app)));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      transform: true,
      forbidNonWhitelisted: true,
      exceptionFactory: toDomainError,
    }),
  );
  return app;
}

/** Request-shape errors in Chinese, naming each field (e.g. values[2].amount), like domain validation. */
function toDomainError(errors: ValidationError[]): DomainError {
  const details: { field: string; message: string }[] = [];
  const walk = (list: ValidationError[], prefix: string) => {
    for (const e of list) {
      const field = /^\d+$/.test(e.property)
        ? `${prefix}[${e.property}]`
        : prefix
          ? `${prefix}.${e.property}`
          : e.property;
      if (e.constraints) {
        const unknown = 'whitelistValidation' in e.constraints;
        details.push({ field, message: unknown ? `不认识的字段“${field}”` : `字段“${field}”格式不正确` });
      }
      walk(e.children ?? [], field);
    }
  };
  walk(errors, '');
  return new DomainError(
    'VALIDATION_FAILED',
    details.map((d) => d.message).join('；'),
    { field: details[0]?.field },
    details,
  );
}

/** The layout's error pages when the app serves pages (the API module); otherwise bare ones. */
export function errorPages(app: INestApplication): ErrorPages | undefined {
  try {
    return app.get(ErrorPages, { strict: false });
  } catch {
    return undefined;
  }
}
