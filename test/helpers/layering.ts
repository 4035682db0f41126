// The architecture's dependency rule, checked from the sources' import statements:
// the engine runs in plain Node (no electron, no adapters), the renderer is DOM-only.
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
  check('common', (file, { specifier: s }) => {
    if (NODE_BUILTINS.has(s) || isElectron(s)) return 'common/ runs everywhere: no Node built-ins, no electron';
    if (s.startsWith('.') && !resolvesInto(file, s, root, 'common')) return 'common/ imports nothing of ours outside it';
    return null;
  });
  check('main/engine', (file, { specifier: s }) => {
    if (isElectron(s) || s === 'electron-store') return 'the engine must run in plain Node: no electron';
    for (const other of ['main/shell', 'main/cli', 'main/dashboard', 'renderer', 'test', 'preload'])
      if (resolvesInto(file, s, root, other)) return `the engine must not import ${other}`;
    return null;
  });
  for (const adapter of ['main/cli', 'main/dashboard']) {
    check(adapter, (file, { specifier: s }) => {
      if (isElectron(s)) return `${adapter} runs without Electron`;
      if (resolvesInto(file, s, root, 'main/shell')) return `${adapter} must not import the Electron shell`;
      return null;
    });
  }
  check('renderer/src', (file, { specifier: s }) => {
    if (NODE_BUILTINS.has(s)) return 'the renderer is DOM-only: no Node built-ins';
    if (isElectron(s)) return 'the renderer must not import electron (use the preload API)';
    if (s.startsWith('.') && !resolvesInto(file, s, root, 'renderer') && !resolvesInto(file, s, root, 'common')) {
      return 'the renderer may import only its own files and common/';
    }
    return null;
  });
  check('preload', (file, { specifier: s }) => {
    if (NODE_BUILTINS.has(s)) return 'a sandboxed preload cannot load Node built-ins';
    if (s.startsWith('.') && !resolvesInto(file, s, root, 'preload') && !resolvesInto(file, s, root, 'common')) {
      return 'preload may import only its own files and common/ (it is bundled into one sandboxed script)';
    }
    return null;
  });
  return v;
}
