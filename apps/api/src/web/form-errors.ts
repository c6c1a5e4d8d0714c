import type { Response } from 'express';
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

/**
 * A page form's write: on success the browser is sent on (303); a DomainError the page can show re-renders the
 * same form with what was typed (409 for a stale save, 422 otherwise) instead of an error page. Errors the form
 * cannot show (`shows` false) go to the global filter.
 */
export async function handleForm(
  res: Response,
  write: () => Promise<string>,
  rerender: (e: DomainError) => Promise<string>,
  shows: (e: DomainError) => boolean = () => true,
): Promise<void> {
  let next: string;
  try {
    next = await write();
  } catch (e) {
    if (!(e instanceof DomainError) || !shows(e)) throw e;
    const html = await rerender(e);
    res
      .status(isStaleSave(e) ? 409 : 422)
      .type('html')
      .send(html);
    return;
  }
  res.redirect(303, next);
}
