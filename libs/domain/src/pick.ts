/**
 * The named fields of `from` and no others: an allow-list, so a field added to a stored row is not passed on
 * (to a response, a session, a page) by accident.
 */
export function pick<T, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = from[key];
  return picked;
}
