// The settings form's state, without the DOM: the document as loaded and as edited, what the form shows (the
// edits with every default filled in), and the problems: the form's own (the compiled schema validator and the
// prompt's placeholders, checked after every change: well under a millisecond) and the engine's, from the last
// save. Views subscribe and are told what changed, so they rebuild only the part that depends on it.
import type { Problem, SettingsView } from '../../../common/contract.js';
import { checkDraft } from './check.js';
import { getAt, setAt, unsetAt, type Doc } from './paths.js';

export type FormChange =
  /** A new document (loaded, reverted, saved): everything may differ. */
  | { kind: 'loaded' }
  /** A value typed into a field: the field already shows it; nothing needs rebuilding. */
  | { kind: 'edited'; path: string }
  /** Items added, removed or reordered at `path`, or a value other fields depend on (a profile's kind). */
  | { kind: 'restructured'; path: string }
  /** The engine's verdict or the saving state changed. */
  | { kind: 'status' };

export type FormListener = (change: FormChange) => void;

export interface FormSnapshot {
  view: SettingsView | null;
  dirty: boolean;
  saving: boolean;
  /** The form's own problems: fix these before saving. */
  problems: readonly Problem[];
  /** The engine's, from loading or the last save; each is dropped once its field is edited. */
  serverProblems: readonly Problem[];
  serverMessage: string | null;
}

const isDoc = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);
const isList = (v: unknown): v is unknown[] => Array.isArray(v);

export const FILE_HAS_PROBLEMS =
  'The settings file on disk has problems; ClawMedic uses the last valid settings until they are fixed.';

export class SettingsFormStore {
  private view: SettingsView | null = null;
  private saved: Doc = {};
  private working: Doc = {};
  private filled: Doc = {};
  private problems: Problem[] = [];
  private serverProblems: Problem[] = [];
  private serverMessage: string | null = null;
  private saving = false;
  private readonly listeners = new Set<FormListener>();

  constructor() {
    this.check();
  }

  subscribe(listener: FormListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): FormSnapshot {
    return {
      view: this.view,
      dirty: this.isDirty(),
      saving: this.saving,
      problems: this.problems,
      serverProblems: this.serverProblems,
      serverMessage: this.serverMessage,
    };
  }

  /** What the form shows at `path`: the edited value, else its default. */
  value(path: string): unknown {
    return getAt(this.filled, path);
  }

  /** A copy of the document as edited (only what the user set: defaults stay out of the file). */
  document(): Doc {
    return structuredClone(this.working);
  }

  isDirty(): boolean {
    return JSON.stringify(this.working) !== JSON.stringify(this.saved);
  }

  /** Every problem to show: the form's, then the engine's that the form does not also report. */
  allProblems(): Problem[] {
    const own = this.problems;
    const server = this.serverProblems.filter((s) => !own.some((c) => c.path === s.path && c.message === s.message));
    return [...own, ...server];
  }

  load(view: SettingsView): void {
    const doc = isDoc(view.settings) ? view.settings : {};
    this.view = view;
    this.saved = structuredClone(doc);
    this.working = structuredClone(doc);
    this.serverProblems = view.problems.slice();
    this.serverMessage = view.problems.length ? FILE_HAS_PROBLEMS : null;
    this.saving = false;
    this.check();
    this.emit({ kind: 'loaded' });
  }

  revert(): void {
    this.working = structuredClone(this.saved);
    this.serverProblems = [];
    this.serverMessage = null;
    this.check();
    this.emit({ kind: 'loaded' });
  }

  /**
   * Sets one value (undefined: remove the key, so its default applies again). `restructures`: other parts of
   * the form depend on it (a profile's kind decides which of its fields exist).
   */
  set(path: string, value: unknown, opts: { restructures?: boolean } = {}): void {
    if (value === undefined) unsetAt(this.working, path);
    else setAt(this.working, path, value);
    this.edited(path, opts.restructures ? 'restructured' : 'edited');
  }

  /**
   * Changes the list at `path` in place (add, remove, reorder). It starts from what the form shows, so a
   * default list (doctor.agents) is written out whole before it changes.
   */
  changeList(path: string, mutate: (items: unknown[]) => void): void {
    const shown = this.value(path);
    mutate(this.materialize(path, () => (isList(shown) ? structuredClone(shown) : []), isList));
    this.edited(path, 'restructured');
  }

  /** Changes the map at `path` in place; a default map (doctor.profiles) is written out whole first. */
  changeMap(path: string, mutate: (entries: Doc) => void): void {
    const shown = this.value(path);
    mutate(this.materialize(path, () => (isDoc(shown) ? structuredClone(shown) : {}), isDoc));
    this.edited(path, 'restructured');
  }

  /** The container at `path` in the edited document, put there (from `initial`) if it is missing. */
  private materialize<T>(path: string, initial: () => T, is: (v: unknown) => v is T): T {
    const existing = getAt(this.working, path);
    if (is(existing)) return existing;
    const created = initial();
    setAt(this.working, path, created);
    return created;
  }

  setSaving(saving: boolean): void {
    this.saving = saving;
    this.emit({ kind: 'status' });
  }

  /** The engine refused a save: its message, and its problems key by key. */
  refused(message: string, problems: readonly Problem[]): void {
    this.serverMessage = message;
    this.serverProblems = problems.slice();
    this.saving = false;
    this.emit({ kind: 'status' });
  }

  private edited(path: string, kind: 'edited' | 'restructured'): void {
    this.serverProblems = this.serverProblems.filter((p) => !(p.path === path || p.path.startsWith(`${path}.`)));
    this.check();
    this.emit({ kind, path });
  }

  private check(): void {
    const r = checkDraft(this.working);
    this.filled = r.filled;
    this.problems = r.problems;
  }

  private emit(change: FormChange): void {
    for (const l of [...this.listeners]) l(change);
  }
}
