import { ArgumentsHost, Catch, ExceptionFilter, PayloadTooLargeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@selfeval/domain';

/** Field errors of a DomainError keyed by indicator id, from names like values[3].value. */
export function fieldErrors(e: DomainError, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of e.details.length ? e.details : [{ field: e.where.field ?? '', message: e.userMessage }]) {
    const m = /^values\[(\d+)\]/.exec(d.field);
    const key = m ? ids[Number(m[1])] : /^spending/.test(d.field) ? 'spending' : 'form';
    out.set(key, [...(out.get(key) ?? []), d.message]);
  }
  return out;
}

/** A save refused because the form was read at an older version (not a state change or a validation error). */
export function isStaleSave(e: DomainError): boolean {
  return e.code === 'CONFLICT' && e.where.field === 'version';
}

/** What a lookup finds, or null where it answers NOT_FOUND (the page shows "not yet" instead of an error). */
export function foundOrNull<T>(lookup: Promise<T>): Promise<T | null> {
  return lookup.catch((e) => {
    if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
    throw e;
  });
}

/** A rendered page as the answer, with its status (a form shown again: 422, 409, 401 or 429). */
export function sendPage(res: Response, html: string, status = 200): void {
  res.status(status).type('html').send(html);
}

export interface FormOptions {
  /** the refusals the form can show (default every DomainError); the others go to the global filter */
  shows?: (e: DomainError) => boolean;
  /** the status of the form shown again (default 409 for a stale save, 422 otherwise) */
  status?: (e: DomainError) => number;
}

/**
 * A page form's write: on success the browser is sent on (303) to the address `write` answers; a DomainError the
 * page can show re-renders the same form with what was typed instead of an error page.
 */
export async function handleForm(
  res: Response,
  write: () => Promise<string>,
  rerender: (e: DomainError) => string | Promise<string>,
  { shows = () => true, status = (e) => (isStaleSave(e) ? 409 : 422) }: FormOptions = {},
): Promise<void> {
  let next: string;
  try {
    next = await write();
  } catch (e) {
    if (!(e instanceof DomainError) || !shows(e)) throw e;
    sendPage(res, await rerender(e), status(e));
    return;
  }
  res.redirect(303, next);
}

/**
 * A multipart upload above the size limit, refused by multer before the handler runs, answered as the handler
 * answers a refused file: `back` leaves the message in the session and names the page the browser is sent to (303).
 * Such a form carries its CSRF token in the query string, so a page rendered in answer would leave it in the
 * address bar (and a reload would post the file again).
 */
@Catch(PayloadTooLargeException)
export class UploadTooLargeFilter implements ExceptionFilter {
  constructor(private readonly back: (req: Request) => string) {}

  catch(_e: PayloadTooLargeException, host: ArgumentsHost) {
    const http = host.switchToHttp();
    http.getResponse<Response>().redirect(303, this.back(http.getRequest<Request>()));
  }
}
