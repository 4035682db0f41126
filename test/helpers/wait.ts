// Polling with a deadline, for waiting on observable outcomes of real processes (no fixed sleeps).
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what} (last: ${last instanceof Error ? last.message : String(last)})`);
    // 20 ms: fine-grained enough that waits end within a frame of the event, cheap enough on 2 cores.
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}
