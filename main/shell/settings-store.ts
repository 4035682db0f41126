// The app's view of the settings file through electron-store: the same file the CLI reads
// (settingsFilePath(): --config, CLAWMEDIC_CONFIG, ~/.clawmedic/settings.json), the same schema, the same
// formatting. electron-store is handed in (its module imports electron at load time, tests use conf).
//
// Writes: the settings form saves through engine.saveSettings (validation, moving a broken file aside);
// the tray's "Launch at login" checkbox writes its one key here, after the engine's full validation.
import type { Options as ElectronStoreOptions } from 'electron-store';
import path from 'node:path';
import type { Result } from '../../common/contract.js';
import { ensurePrivateDirSync, PRIVATE_FILE_MODE } from '../engine/fsutil.js';
import { settingsSchema, validateSettings } from '../engine/settings/index.js';

export type SettingsStoreOptions = ElectronStoreOptions<Record<string, unknown>>;

/** electron-store's options for the settings file at `file` (absolute). */
export function settingsStoreOptions(file: string): SettingsStoreOptions {
  const ext = path.extname(file);
  return {
    // cwd + name + fileExtension resolve to exactly `file` (electron-store joins them back together).
    cwd: path.dirname(file),
    name: path.basename(file, ext),
    fileExtension: ext.replace(/^\./, ''),
    schema: settingsSchema.properties,
    // Unknown top-level keys are refused, as the CLI refuses them.
    rootSchema: { additionalProperties: false },
    ajvOptions: {
      // Validate only: filling in defaults would write every default into the user's file on the
      // first change, freezing today's defaults into it.
      useDefaults: false,
      allowUnionTypes: true,
    },
    // Never wipe a user's file because it does not validate; the engine reports the problems instead.
    clearInvalidConfig: false,
    // Private by default, like every file ClawMedic writes.
    configFileMode: PRIVATE_FILE_MODE,
    // The same layout the engine and `clawmedic config` write (2 spaces, final newline), so the file
    // does not churn between tools.
    serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
    accessPropertiesByDotNotation: true,
    // The engine already watches the file and emits settings-changed; one watcher is enough.
    watch: false,
  };
}

export interface ShellSettings {
  launchAtLogin: boolean;
  nativeNotifications: boolean;
  problem: string | null;
}

/** The parts of an electron-store instance used here. */
export interface StoreLike {
  readonly path: string;
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
}

export class SettingsStore {
  private instance: StoreLike | null = null;

  constructor(
    readonly file: string,
    private readonly open: (options: SettingsStoreOptions) => StoreLike,
  ) {}

  /** Opens lazily: an invalid file makes electron-store throw, and the user may fix it later. */
  private store(): StoreLike {
    if (!this.instance) {
      // electron-store creates missing folders with default permissions; make ours 0700 first.
      ensurePrivateDirSync(path.dirname(this.file));
      this.instance = this.open(settingsStoreOptions(this.file));
    }
    return this.instance;
  }

  /**
   * The keys the shell itself acts on, as the file says them (defaults when absent). When the file
   * cannot be read the defaults are returned with the reason; the engine reports the file's problems.
   */
  shellSettings(): ShellSettings {
    try {
      const s = this.store().store;
      const app = s.app as { launchAtLogin?: unknown } | undefined;
      const notify = s.notify as { native?: unknown } | undefined;
      return { launchAtLogin: app?.launchAtLogin === true, nativeNotifications: notify?.native !== false, problem: null };
    } catch (err) {
      return { launchAtLogin: false, nativeNotifications: true, problem: `cannot read ${this.file}: ${(err as Error).message}` };
    }
  }

  /** Writes `app.launchAtLogin`, refusing (with the engine's problems) if the result would be invalid. */
  setLaunchAtLogin(enabled: boolean): Result {
    let current: Record<string, unknown>;
    try {
      current = structuredClone({ ...this.store().store });
    } catch (err) {
      return {
        ok: false,
        message: `${this.file} cannot be read, so nothing was changed: ${(err as Error).message}. Fix the file (\`clawmedic config validate\` lists the problems) and try again.`,
      };
    }
    const app = (current.app && typeof current.app === 'object' ? current.app : {}) as Record<string, unknown>;
    const next = { ...current, app: { ...app, launchAtLogin: enabled } };
    const v = validateSettings(next);
    if (!v.ok) {
      return { ok: false, message: `${this.file} has problems, so nothing was changed; fix them first.`, problems: v.problems };
    }
    try {
      this.store().set('app.launchAtLogin', enabled);
    } catch (err) {
      return { ok: false, message: `Could not write ${this.file}: ${(err as Error).message}` };
    }
    return { ok: true, value: undefined };
  }
}
