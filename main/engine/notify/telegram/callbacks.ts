// Buttons ClawMedic put on its messages, by the random token in their callback data. Each button is bound
// to one incident (and, for approvals, to one pending prompt), expires, and is answered at most once; the
// buttons of one prompt share that "once" (Approve and Deny exclude each other). Nothing a chat sends is
// ever interpreted: a press only selects one of these entries, or nothing.
import { randomBytes } from 'node:crypto';

export type ChatAction = 'approve' | 'deny' | 'stop' | 'restart' | 'doctor' | 'pause' | 'tail';

export interface Binding {
  action: ChatAction;
  incidentId: string;
  /** The prompt an approve/deny answers (its id from the engine). */
  promptId: string | null;
  /** The chat the message went to: a press must come from a message in that chat. */
  chatId: string;
  /** The bot (its token's numeric id) that sent the message. */
  botId: string;
  expiresAt: number;
  /** Buttons with the same group are answered once between them. */
  group: string;
}

export type Take =
  { ok: true; binding: Binding } | { ok: false; why: 'unknown' | 'expired' | 'used'; binding: Binding | null };

/** `cm:` plus 16 base64url characters (96 random bits): well inside Telegram's 64-byte callback_data. */
const DATA_RE = /^cm:([A-Za-z0-9_-]{16})$/;
/** Entries kept at most: a few per message, and messages are rate-limited, so this is weeks of buttons. */
const MAX_ENTRIES = 2000;
/** Expired buttons are remembered a day longer, so a late press hears "expired", not "unknown". */
const FORGET_AFTER_EXPIRY_MS = 24 * 60 * 60_000;

export class CallbackRegistry {
  private readonly entries = new Map<string, Binding>();
  /** Groups answered already, until their buttons expire. */
  private readonly usedGroups = new Map<string, number>();

  /** Registers a button; returns its callback data. */
  add(binding: Binding): string {
    this.prune(Date.now());
    const token = randomBytes(12).toString('base64url');
    this.entries.set(token, binding);
    return `cm:${token}`;
  }

  /** The binding a press refers to, if any (without using it). */
  peek(data: string | undefined): Binding | null {
    const m = DATA_RE.exec(data ?? '');
    return m ? (this.entries.get(m[1]!) ?? null) : null;
  }

  /** Uses a button: at most once per group, and only before it expires. */
  take(data: string | undefined, now: number): Take {
    const m = DATA_RE.exec(data ?? '');
    const binding = m ? this.entries.get(m[1]!) : undefined;
    if (!binding) return { ok: false, why: 'unknown', binding: null };
    if (this.usedGroups.has(binding.group)) return { ok: false, why: 'used', binding };
    if (now >= binding.expiresAt) return { ok: false, why: 'expired', binding };
    this.usedGroups.set(binding.group, binding.expiresAt);
    return { ok: true, binding };
  }

  private prune(now: number): void {
    // Map order is insertion order: past the cap, the oldest buttons go first (they read as unknown).
    for (const [token, b] of this.entries) {
      if (b.expiresAt + FORGET_AFTER_EXPIRY_MS <= now || this.entries.size > MAX_ENTRIES) this.entries.delete(token);
    }
    for (const [group, expiresAt] of this.usedGroups) {
      if (expiresAt + FORGET_AFTER_EXPIRY_MS <= now) this.usedGroups.delete(group);
    }
  }
}
