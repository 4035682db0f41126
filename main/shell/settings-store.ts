// The app's one reader and writer of the settings file: electron-store, over the same file the CLI reads
// (settingsFilePath(): --config, CLAWMEDIC_CONFIG, ~/.clawmedic/settings.json), with the same schema and the
// same layout. The engine reads and saves through it (it is the engine's SettingsSource), and so does the
// tray's "Launch at login". electron-store is handed in (its module imports electron at load time; tests use
// conf, which it extends).
//
// Every read goes through `deserialize` below, which parses the file and checks it with the engine's own
// validator, so a broken file is reported key by key (not as conf's one-line "Config schema violation").
// conf validates with the same schema again before each write. A broken file is moved aside before a write,
// never overwritten.
import type { Options as ElectronStoreOptions } from 'electron-store';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Result } from '../../common/contract.js';
import { checkSettingsShape } from '../../common/settings-validation.js';
import { settingsSchema } from '../../common/settings-schema.js';
import { ensurePrivateDirSync, PRIVATE_FILE_MODE } from '../engine/fsutil.js';
import {
  formatSettings,
  moveAside,
  parseSettingsText,
  SettingsError,
  validateSettings,
  type LoadResult,
  type Settings,
  type SettingsSource,
} from '../engine/settings/index.js';

export type SettingsDocument = Record<string, unknown>;
export type SettingsStoreOptions = ElectronStoreOptions<SettingsDocument>;

const isDocument = (v: unknown): v is SettingsDocument => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The document in the file's text, as electron-store hands it on: as the user wrote it (no defaults added),
 * and only if its shape is valid. Otherwise throws SettingsError listing every problem, cross-field ones too.
 */
function readDocument(file: string, text: string): SettingsDocument {
  const doc = parseSettingsText(file, text);
  // checkSettingsShape fills defaults into what it checks: give it a copy, keep the user's document.
  if (!isDocument(doc) || !checkSettingsShape(structuredClone(doc)).ok) {
    throw new SettingsError(file, validateSettings(doc).problems);
  }
  return doc;
}

type ConfSchema = Required<Pick<SettingsStoreOptions, 'schema' | 'rootSchema'>>;

/**
 * The settings schema as conf takes it: the top-level keys' schemas, and the root's own keywords (unknown
 * top-level keys are refused, as the CLI refuses them). A plain JSON copy: TypeBox's objects also carry
 * symbols, and TypeBox and conf's json-schema-typed type a keyword this schema does not use
 * (contentEncoding) differently, so the copy is not typed from the TypeBox object.
 */
function confSchema(): ConfSchema {
  const copy = JSON.parse(JSON.stringify(settingsSchema)) as {
    properties: ConfSchema['schema'];
  } & ConfSchema['rootSchema'];
  const { properties, ...root } = copy;
  return { schema: properties, rootSchema: root };
}

/** electron-store's options for the settings file at `file` (absolute). */
export function settingsStoreOptions(file: string): SettingsStoreOptions {
  const ext = path.extname(file);
  return {
    // cwd + name + fileExtension resolve to exactly `file` (electron-store joins them back together).
    cwd: path.dirname(file),
    name: path.basename(file, ext),
    fileExtension: ext.replace(/^\./, ''),
    ...confSchema(),
    ajvOptions: {
      // Validate only: filling in defaults would write every default into the user's file on the
      // first change, freezing today's defaults into it.
      useDefaults: false,
    },
    // Never wipe a user's file because it does not validate; the engine reports the problems instead.
    clearInvalidConfig: false,
    // Private by default, like every file ClawMedic writes.
    configFileMode: PRIVATE_FILE_MODE,
    // The same layout the engine and `clawmedic config` write, so the file does not churn between tools.
    serialize: formatSettings,
    deserialize: (text) => readDocument(file, text),
    accessPropertiesByDotNotation: true,
    // The engine already watches the file and reloads through this store; one watcher is enough.
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
  /** The whole document: reading parses and checks the file; assigning validates and writes it. */
  store: SettingsDocument;
}

export class SettingsStore implements SettingsSource {
  private instance: StoreLike | null = null;

  constructor(
    readonly file: string,
    private readonly open: (options: SettingsStoreOptions) => StoreLike,
  ) {}

  /** Opens lazily and retries: opening reads the file, which may be broken now and fixed later. */
  private store(): StoreLike {
    if (!this.instance) {
      // electron-store creates missing folders with default permissions; make ours 0700 first.
      ensurePrivateDirSync(path.dirname(this.file));
      this.instance = this.open(settingsStoreOptions(this.file));
    }
    return this.instance;
  }

  /** The document as the file has it (defaults not filled in); throws SettingsError when it is unusable. */
  private read(): SettingsDocument {
    try {
      return this.store().store;
    } catch (err) {
      if (err instanceof SettingsError) throw err;
      throw new SettingsError(this.file, [{ path: '(file)', message: `cannot be read: ${(err as Error).message}` }]);
    }
  }

  /** Validates `doc` (schema and cross-field rules), moves a broken file aside, then writes `doc` as given. */
  private write(doc: unknown, now: Date): Settings {
    const r = validateSettings(doc);
    if (!r.ok || !isDocument(doc)) throw new SettingsError(this.file, r.problems);
    try {
      this.read();
    } catch (err) {
      if (!(err instanceof SettingsError)) throw err;
      if (existsSync(this.file)) moveAside(this.file, now);
      // Opening failed on the broken file; open again on the (now missing) file.
      this.instance = null;
    }
    this.store().store = structuredClone(doc);
    return r.settings;
  }

  // ---- the engine's SettingsSource -----------------------------------------------------------------------
  // Synchronous work behind the async interface: a throw in the executor becomes the rejection, as it would
  // in an async method.
  load(): Promise<LoadResult> {
    return new Promise((resolve) => {
      const exists = existsSync(this.file);
      const r = validateSettings(this.read());
      if (!r.ok) throw new SettingsError(this.file, r.problems);
      resolve({ file: this.file, exists, settings: r.settings });
    });
  }

  save(next: unknown, now: Date = new Date()): Promise<Settings> {
    return new Promise((resolve) => resolve(this.write(next, now)));
  }

  // ---- the shell's own keys ------------------------------------------------------------------------------
  /**
   * The keys the shell itself acts on, as the file says them (defaults when absent). When the file cannot be
   * used the defaults are returned with the reason; the engine reports the file's problems key by key.
   */
  shellSettings(): ShellSettings {
    try {
      const s = this.read();
      const app = s.app as { launchAtLogin?: unknown } | undefined;
      const notify = s.notify as { native?: unknown } | undefined;
      return {
        launchAtLogin: app?.launchAtLogin === true,
        nativeNotifications: notify?.native !== false,
        problem: null,
      };
    } catch (err) {
      const problem = `cannot read ${this.file}: ${(err as Error).message}`;
      return { launchAtLogin: false, nativeNotifications: true, problem };
    }
  }

  /** Writes `app.launchAtLogin`, refusing (with the engine's problems) if the result would be invalid. */
  setLaunchAtLogin(enabled: boolean, now: Date = new Date()): Result {
    let current: SettingsDocument;
    try {
      current = this.read();
    } catch (err) {
      return {
        ok: false,
        message:
          `${this.file} cannot be read, so nothing was changed: ${(err as Error).message}. ` +
          'Fix the file (`clawmedic config validate` lists the problems) and try again.',
      };
    }
    const app = isDocument(current.app) ? current.app : {};
    const next = { ...current, app: { ...app, launchAtLogin: enabled } };
    const v = validateSettings(next);
    if (!v.ok) {
      const message = `${this.file} has problems, so nothing was changed; fix them first.`;
      return { ok: false, message, problems: v.problems };
    }
    try {
      this.write(next, now);
    } catch (err) {
      return { ok: false, message: `Could not write ${this.file}: ${(err as Error).message}` };
    }
    return { ok: true, value: undefined };
  }
}
