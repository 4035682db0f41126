// The architecture's dependency rule, checked from the sources' import statements:
// the engine runs in plain Node (no electron, no adapters), the renderer is DOM-only.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function walk(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (n === 'node_modules' || n === 'dist') continue;
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(n) && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Import {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const out: Import[] = [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const typeOnly = new Set<string>();
  sf.forEachChild((node) => {
    if (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      typeOnly.add(node.moduleSpecifier.text);
    }
    if (ts.isExportDeclaration(node) && node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      typeOnly.add(node.moduleSpecifier.text);
    }
  });
  const valueImports = new Set<string>();
  sf.forEachChild((node) => {
    if ((ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) || (ts.isExportDeclaration(node) && !node.isTypeOnly)) {
      const m = node.moduleSpecifier;
      if (m && ts.isStringLiteral(m)) valueImports.add(m.text);
    }
  });
  for (const f of info.importedFiles) {
    out.push({ specifier: f.fileName, typeOnly: typeOnly.has(f.fileName) && !valueImports.has(f.fileName) });
  }
  return out;
}

function resolvesInto(file: string, spec: string, root: string, target: string): boolean {
  if (!spec.startsWith('.')) return false;
  const abs = path.resolve(path.dirname(file), spec);
  const rel = path.relative(path.join(root, target), abs);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Engine modules that are pure data and logic (no Node, no Electron), shared with the renderer so
 * the settings form validates with the very schema the engine uses. Checked below to stay pure.
 */
export const SHARED_PURE = ['preload/contract.ts', 'main/engine/settings/schema.ts', 'main/engine/doctor/template.ts', 'main/dashboard/protocol.ts'];

function resolveTs(file: string, spec: string): string {
  return path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
}

export function findViolations(root: string): Violation[] {
  const v: Violation[] = [];
  const seen = new Set<string>();
  const check = (dir: string, fn: (file: string, imp: Import) => string | null) => {
    for (const file of walk(path.join(root, dir))) {
      for (const imp of importsOf(file)) {
        const rule = fn(file, imp);
        const key = `${file}\u0000${imp.specifier}`;
        if (rule && !seen.has(key)) {
          seen.add(key);
          v.push({ file: path.relative(root, file), specifier: imp.specifier, rule });
        }
      }
    }
  };
  const isElectron = (s: string) => s === 'electron' || s.startsWith('electron/') || s.startsWith('@electron/');
  check('main/engine', (file, { specifier: s }) => {
    if (isElectron(s) || s === 'electron-store') return 'the engine must run in plain Node: no electron';
    for (const adapter of ['main/shell', 'main/cli', 'main/dashboard', 'renderer', 'test'])
      if (resolvesInto(file, s, root, adapter)) return `the engine must not import ${adapter}`;
    if (resolvesInto(file, s, root, 'preload') && !/contract(\.js)?$/.test(s)) return 'the engine may import only preload/contract';
    return null;
  });
  for (const adapter of ['main/cli', 'main/dashboard']) {
    check(adapter, (file, { specifier: s }) => {
      if (isElectron(s)) return `${adapter} runs without Electron`;
      if (resolvesInto(file, s, root, 'main/shell')) return `${adapter} must not import the Electron shell`;
      return null;
    });
  }
  const shared = new Set(SHARED_PURE.map((p) => path.join(root, p)));
  check('renderer/src', (file, { specifier: s }) => {
    if (NODE_BUILTINS.has(s)) return 'the renderer is DOM-only: no Node built-ins';
    if (isElectron(s)) return 'the renderer must not import electron (use the preload API)';
    if (s.startsWith('.') && !resolvesInto(file, s, root, 'renderer')) {
      if (shared.has(resolveTs(file, s))) return null;
      return 'the renderer may import only its own files and the shared pure modules (contract, schema, template, protocol)';
    }
    return null;
  });
  for (const file of shared) {
    if (!existsSync(file)) continue;
    for (const imp of importsOf(file)) {
      const s = imp.specifier;
      const ok = imp.typeOnly || (s.startsWith('.') && (shared.has(resolveTs(file, s)) || /contract(\.js)?$/.test(s)));
      if (!ok) v.push({ file: path.relative(root, file), specifier: s, rule: 'a shared pure module may import only other shared pure modules (the renderer loads it)' });
    }
  }
  check('preload', (file, { specifier: s }) => {
    if (NODE_BUILTINS.has(s)) return 'a sandboxed preload cannot load Node built-ins';
    if (s.startsWith('.') && !resolvesInto(file, s, root, 'preload') && !/main\/shell\/ipc-channels(\.js)?$/.test(s)) {
      return 'preload may import only its own files and the IPC channel names (it is bundled into one sandboxed script)';
    }
    return null;
  });
  return v;
}
