// Whether ClawMedic can write its records (incidents, status, restart history). A read-only or full disk
// must never stop the watcher: every write path reports here and carries on in memory; this turns the
// reports into one "cannot write" event when writing starts failing and one "writing again" event when it
// works again (which the notifier turns into one message each, not one per failed write).
export type StorageEvent = { ok: boolean; detail: string };

export class StorageHealth {
  private failing: string | null = null;

  constructor(private readonly onChange: (e: StorageEvent) => void = () => {}) {}

  get isFailing(): boolean {
    return this.failing !== null;
  }

  /** A write of `what` (a path) failed. */
  failed(what: string, err: unknown): void {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EROFS' || e.code === 'EACCES' || e.code === 'EPERM'
        ? 'the folder is read-only or not writable'
        : e.code === 'ENOSPC' || e.code === 'EDQUOT'
          ? 'the disk is full'
          : e.message;
    if (this.failing) return;
    this.failing = what;
    this.onChange({
      ok: false,
      detail:
        `ClawMedic cannot write ${what}: ${why} (${e.code ?? 'error'}). It keeps watching and restarting the ` +
        'gateway and holds its records in memory; they are written as soon as the disk accepts them again.',
    });
  }

  /** A write succeeded. */
  succeeded(): void {
    if (!this.failing) return;
    const was = this.failing;
    this.failing = null;
    this.onChange({
      ok: true,
      detail: `ClawMedic can write its records again (${was}); what was held is on disk now.`,
    });
  }
}
