/**
 * Waits for a shutdown step at most `ms`; past that runs `onTimeout` (e.g. a forced close).
 * Shutdown must finish even when Redis is unreachable.
 */
export async function withDeadline(
  work: Promise<unknown>,
  ms: number,
  onTimeout?: () => Promise<unknown>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = Symbol('timeout');
  const result = await Promise.race([
    work.then(() => undefined).catch(() => undefined),
    new Promise<typeof timedOut>((resolve) => {
      timer = setTimeout(() => resolve(timedOut), ms);
    }),
  ]);
  clearTimeout(timer);
  if (result === timedOut && onTimeout) await onTimeout().catch(() => undefined);
}
