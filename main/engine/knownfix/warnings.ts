// The warnings shown before an outage (the config guard's, memory growth, low disk): one current
// warning per kind, an event when the set changes (the notifier sends the new ones, the UIs show the
// list), and a note on every incident that opens while a warning stands.
import type { EngineEvent } from '../../../common/contract.js';
import type { GatewayWarning, WarningKind } from '../../../common/knownfix.js';
import { iso, type Clock } from '../../../common/clock.js';

export class WarningBoard {
  private readonly current = new Map<WarningKind, GatewayWarning>();

  constructor(
    private readonly clock: Clock,
    private readonly emit: (e: EngineEvent) => void,
  ) {}

  list(): GatewayWarning[] {
    return [...this.current.values()].map((w) => ({ ...w }));
  }

  /** Sets (or clears, with null) the warning of one kind; emits only when something changed. */
  set(kind: WarningKind, w: Omit<GatewayWarning, 'kind' | 'since'> | null): void {
    const before = this.current.get(kind);
    if (!w) {
      if (!before) return;
      this.current.delete(kind);
      this.emit({ type: 'warnings', warnings: this.list(), added: [], at: iso(this.clock.now()) });
      return;
    }
    if (
      before &&
      before.title === w.title &&
      before.detail === w.detail &&
      before.diff === w.diff &&
      before.canRevert === w.canRevert
    )
      return;
    const next: GatewayWarning = {
      kind,
      ...w,
      since: before?.title === w.title ? before.since : iso(this.clock.now()),
    };
    this.current.set(kind, next);
    // A changed trend line is not news; a new title is.
    const added = before?.title === w.title ? [] : [next];
    this.emit({ type: 'warnings', warnings: this.list(), added, at: iso(this.clock.now()) });
  }
}
