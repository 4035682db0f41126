// The architecture's dependency rule, by folder: which of our folders, which Node built-ins and which npm
// packages each runtime may import. Used by eslint.config.js and, alone, by test/unit/layering.test.ts.
//
//   common/         runs everywhere (Node, the sandboxed preload, the browser): common/ and the pure packages
//                   listed below
//   main/engine/    plain Node: common/, Node, npm packages; never electron, never an adapter or the UI
//   main/cli/       engine, dashboard, common/, the stand-ins in test/fixtures/ (for `demo`); no electron
//   main/dashboard/ engine, common/; no electron
//   main/shell/     the Electron main process: engine, common/, electron, electron-store
//   preload/        bundled into one sandboxed script: common/ and electron only (no Node built-ins)
//   renderer/src/   DOM only: its own files, common/, the browser npm packages listed below (no Node built-ins,
//                   no electron)
// The rule applies to those folders only: test/, bench/, scripts/ and the tooling files may import anything.
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** Packages that exist only inside Electron's processes. */
const ELECTRON = ['electron', 'electron-store', '@electron/*'];

/** Allows imports of our own folders of these element types. */
const ours = (...types) => ({ to: { element: { type: types } } });
/** Allows Node's built-in modules (`node:fs`, `fs`, ...). */
const nodeBuiltins = { to: { module: { origin: 'core' } } };
/**
 * npm packages common/ may import: pure JavaScript that runs in Node, the preload and the browser alike (the
 * settings schema's builder, and the format checks the build-time settings validator calls).
 */
const UNIVERSAL_PACKAGES = ['@sinclair/typebox', 'ajv-formats'];
/** npm packages the renderer may bundle: made for the browser (a Node-only package would break the build). */
const BROWSER_PACKAGES = ['@xterm/*', 'markdown-it'];

/** Allows npm packages; see the last policy for the Electron ones. */
const npmPackages = { to: { module: { origin: 'external' } } };

const RUNTIME_FILES = ['common', 'main', 'preload', 'renderer/src'].map((dir) => `${dir}/**/*.{ts,mts,cts,js,mjs,cjs}`);

/** @type {import('eslint').Linter.Config[]} */
export const boundaryConfig = [
  {
    name: 'clawmedic/boundaries',
    files: RUNTIME_FILES,
    languageOptions: { parser: tseslint.parser },
    plugins: { boundaries },
    settings: {
      'boundaries/elements': [
        // partialMatch: false: each pattern is a folder path from the repository's root, not a suffix.
        { type: 'common', pattern: 'common', partialMatch: false },
        { type: 'engine', pattern: 'main/engine', partialMatch: false },
        { type: 'cli', pattern: 'main/cli', partialMatch: false },
        { type: 'dashboard', pattern: 'main/dashboard', partialMatch: false },
        { type: 'shell', pattern: 'main/shell', partialMatch: false },
        { type: 'preload', pattern: 'preload', partialMatch: false },
        { type: 'renderer', pattern: 'renderer/src', partialMatch: false },
        // The stand-in gateway and agent: compiled with the app (tsconfig.node.json) for `clawmedic demo`.
        { type: 'fixtures', pattern: 'test/fixtures', partialMatch: false },
      ],
      // Every way an ES module pulls in another: static imports, re-exports and import(). (require() is only
      // used through createRequire, to read package.json at its path relative to dist/, not a source file.)
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      // Resolves `./x.js` specifiers to the `./x.ts` sources, as TypeScript's NodeNext resolution does.
      'import/resolver': {
        typescript: {
          // The solution file: it references tsconfig.node.json and renderer/tsconfig.json.
          project: 'tsconfig.json',
        },
      },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          // Check Node built-ins and npm packages too, not only imports between our folders.
          checkAllOrigins: true,
          // An import of one of our files outside these folders (test/, scripts/, ...) is an error too.
          checkUnknownLocals: true,
          policies: [
            {
              from: { element: { type: 'common' } },
              allow: [ours('common'), { to: { module: { origin: 'external', source: UNIVERSAL_PACKAGES } } }],
            },
            { from: { element: { type: 'engine' } }, allow: [ours('engine', 'common'), nodeBuiltins, npmPackages] },
            {
              from: { element: { type: 'cli' } },
              allow: [ours('cli', 'engine', 'dashboard', 'common', 'fixtures'), nodeBuiltins, npmPackages],
            },
            {
              from: { element: { type: 'dashboard' } },
              allow: [ours('dashboard', 'engine', 'common'), nodeBuiltins, npmPackages],
            },
            {
              from: { element: { type: 'shell' } },
              allow: [ours('shell', 'engine', 'common'), nodeBuiltins, npmPackages],
            },
            {
              from: { element: { type: 'preload' } },
              allow: [ours('preload', 'common'), { to: { module: { origin: 'external', source: 'electron' } } }],
            },
            {
              from: { element: { type: 'renderer' } },
              allow: [
                ours('renderer', 'common'),
                { to: { module: { origin: 'external', source: [...BROWSER_PACKAGES, ...UNIVERSAL_PACKAGES] } } },
              ],
            },
            // Later policies win: only the Electron main process (and the preload, above) may load Electron.
            {
              from: { element: { type: ['common', 'engine', 'cli', 'dashboard', 'renderer'] } },
              disallow: [{ to: { module: { origin: 'external', source: ELECTRON } } }],
            },
          ],
        },
      ],
    },
  },
];
