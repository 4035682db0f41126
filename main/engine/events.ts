// A tiny typed event bus. A listener that throws is reported and skipped: one broken UI must never
// stop the engine or the other listeners.
import type { EngineEvent } from '../../common/contract.js';

export class EventBus {
  private readonly listeners = new Set<(e: EngineEvent) => void>();

  on(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        process.emitWarning(
          `ClawMedic: an event listener failed on "${event.type}": ` +
            `${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      }
    }
  }
}
