/** Polls `probe` until it returns something other than undefined; fails naming `what` after `ms`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 30_000,
  every = 150,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
