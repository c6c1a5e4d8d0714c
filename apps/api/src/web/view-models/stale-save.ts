import type { Form } from './quarter-page.view-model';

/** One field of a stale save: what is stored now (someone else's save) beside what this user typed. */
export interface StaleField {
  label: string;
  stored: string;
  typed: string;
}

/** A field of an edit form: its label, the posted name and the value stored now. */
export interface FormField {
  label: string;
  name: string;
  stored: string | null | undefined;
}

/**
 * The fields whose typed value differs from the stored one, for the side-by-side choice a stale save
 * shows (optimistic concurrency: the page never overwrites someone else's save silently). Fields the
 * form did not post are not the user's edits and are left out.
 */
export function staleFields(form: Form, fields: FormField[]): StaleField[] {
  return fields
    .filter((f) => form[f.name] !== undefined)
    .map((f) => ({ label: f.label, stored: (f.stored ?? '').trim(), typed: (form[f.name] ?? '').trim() }))
    .filter((f) => f.stored !== f.typed);
}

/**
 * The version a page's hidden field carries: the stored one on first display and after a stale save
 * (so "keep mine" saves on top of what the user has now seen), the one originally read while the
 * user corrects other errors (so a validation round trip does not hide someone else's save).
 */
export function formVersion(stored: number, form: Form | undefined, stale: boolean): number {
  const read = form?.version;
  return stale || read === undefined || !/^\d+$/.test(read) ? stored : Number(read);
}

/** The version a posted form read, or undefined when it carries none. */
export function postedVersion(form: Form): number | undefined {
  return /^\d{1,9}$/.test(form.version ?? '') ? Number(form.version) : undefined;
}
