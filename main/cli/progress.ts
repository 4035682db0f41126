// `clawmedic restart` on a terminal: one line that says what it waits for and for how long, rewritten in place
// (a restart step may take two minutes and the wait for healthy another one; silence reads as a hang). Off a
// terminal nothing extra is printed: a log file gets the event lines only.
import type { EngineEvent } from '../../common/contract.js';
import { dim } from './format.js';

/** 1 s: the line counts seconds. */
const TICK_MS = 1000;

export interface ProgressOptions {
  /** How long the gateway gets to answer after the restart steps (restart.waitHealthySec). */
  waitHealthySec: number;
  write: (text: string) => void;
  now?: () => number;
}

type Phase = { text: (sec: number) => string; since: number; until: number | null };

export class RestartProgress {
  private phase: Phase | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private shown = false;
  /** The current attempt's steps and how many have finished. */
  private steps: string[] = [];
  private stepsDone = 0;
  private readonly now: () => number;

  constructor(private readonly o: ProgressOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Prints an event's line above the progress line, and moves the progress on by what the event says. */
  line(text: string | null): void {
    this.erase();
    if (text !== null) this.o.write(text + '\n');
    this.draw();
  }

  /** What the restart is doing now, from the engine's events. */
  observe(e: EngineEvent): void {
    if (e.type !== 'incident-event' && e.type !== 'incident-closed') return;
    if (e.type === 'incident-closed') return this.set(null);
    const now = this.now();
    switch (e.event.type) {
      case 'restart-attempt':
        // "attempt 1 of 2: openclaw gateway stop → openclaw gateway start"
        this.steps = (/: (.+)$/.exec(e.event.detail)?.[1] ?? 'the restart steps').split(' → ');
        this.stepsDone = 0;
        return this.running(now);
      case 'restart-step':
        // A failed step ends the attempt at once (its restart-failed clears this line).
        if (++this.stepsDone < this.steps.length) return this.running(now);
        return this.set({
          text: (s) => `waiting for the gateway to answer healthy… ${s} s left`,
          since: now,
          until: now + this.o.waitHealthySec * 1000,
        });
      case 'backoff': {
        const sec = Number(/(\d+) s/.exec(e.event.detail)?.[1] ?? 0);
        return this.set({ text: (s) => `next attempt in ${s} s`, since: now, until: now + sec * 1000 });
      }
      case 'restart-failed':
      case 'needs-attention':
      case 'circuit-open':
        return this.set(null);
      default:
        return undefined;
    }
  }

  private running(now: number): void {
    const cmd = this.steps[this.stepsDone] ?? 'the restart steps';
    this.set({ text: (s) => `running \`${cmd}\`… ${s} s`, since: now, until: null });
  }

  /** Removes the progress line for good (the command is about to print its result). */
  done(): void {
    this.set(null);
  }

  private set(phase: Phase | null): void {
    this.phase = phase;
    if (phase && !this.timer) {
      this.timer = setInterval(() => this.redraw(), TICK_MS);
      this.timer.unref?.();
    }
    if (!phase && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.redraw();
  }

  private redraw(): void {
    this.erase();
    this.draw();
  }

  private erase(): void {
    if (!this.shown) return;
    // Carriage return, then erase the line: the next text starts on a clean line.
    this.o.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(): void {
    const p = this.phase;
    if (!p) return;
    const now = this.now();
    const sec = p.until === null ? Math.round((now - p.since) / 1000) : Math.max(0, Math.ceil((p.until - now) / 1000));
    this.o.write(dim(p.text(sec)));
    this.shown = true;
  }
}
