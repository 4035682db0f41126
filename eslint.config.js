// ESLint: typescript-eslint's type-checked rules on every source, test and script, plus the architecture's
// dependency rule (eslint.boundaries.js). Formatting is Prettier's job (.prettierrc.json); eslint-config-prettier
// turns off the stylistic rules that would fight it. Run with `npm run lint`.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { boundaryConfig } from './eslint.boundaries.js';

const root = import.meta.dirname;

/**
 * Type information for a set of files from the tsconfig that compiles them, so each file is checked against
 * its own runtime's declarations (common/ sees neither Node's nor the DOM's, the renderer sees no Node).
 * @param {string} name
 * @param {string[]} files
 * @param {string} tsconfig path from the repository's root
 * @param {import('eslint').Linter.Globals} runtimeGlobals
 * @returns {import('eslint').Linter.Config}
 */
const typedBy = (name, files, tsconfig, runtimeGlobals) => ({
  name: `clawmedic/types/${name}`,
  files,
  languageOptions: {
    parserOptions: { project: tsconfig, tsconfigRootDir: root },
    globals: runtimeGlobals,
  },
});

export default defineConfig(
  globalIgnores(['dist/', 'release/', 'node_modules/', 'bench/out/', 'test-results/', '.e2e-cache/']),
  // Lint TypeScript as well as the JavaScript files ESLint picks up by default.
  { name: 'clawmedic/files', files: ['**/*.{ts,mts,cts}'] },
  {
    // No eslint-disable comments: a finding is fixed in the code, or the rule is changed here for everyone.
    linterOptions: { reportUnusedDisableDirectives: 'error', noInlineConfig: true },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  // A file matched by several of these blocks takes the last one's tsconfig: test/fixtures/ is compiled with the
  // app (tsconfig.node.json), the rest of test/ with tsconfig.test.json.
  typedBy('common', ['common/**/*.ts', 'types/common-platform.d.ts'], 'common/tsconfig.json', {}),
  typedBy('renderer', ['renderer/src/**/*.ts'], 'renderer/tsconfig.json', globals.browser),
  typedBy('test', ['test/**/*.ts', 'scripts/**/*.d.mts', 'vitest.config.ts'], 'tsconfig.test.json', globals.node),
  typedBy(
    'node',
    ['main/**/*.ts', 'preload/**/*.ts', 'bench/**/*.ts', 'test/fixtures/**/*.ts'],
    'tsconfig.node.json',
    globals.node,
  ),
  typedBy(
    'scripts',
    [
      '*.{js,mjs}',
      'bin/**/*.js',
      'bench/**/*.mjs',
      'scripts/**/*.mjs',
      'test/**/*.{mjs,cjs}',
      'renderer/vite.config.ts',
    ],
    'tsconfig.scripts.json',
    globals.node,
  ),
  // Its page.evaluate() callbacks run in the browser page.
  { name: 'clawmedic/screenshots', files: ['scripts/screenshots.mjs'], languageOptions: { globals: globals.browser } },
  {
    name: 'clawmedic/rules',
    rules: {
      // A switch over a union lists every member, so adding one to the union shows every place to handle it.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  prettier,
  // In plain JavaScript, values from JSON.parse() or import() are `any`, and typescript-eslint cannot see a JSDoc
  // cast (it hangs on parentheses, which ESLint's syntax tree drops), so the no-unsafe-* rules could only be met
  // there with disable comments. They apply to TypeScript; the scripts keep every other type-aware rule.
  {
    name: 'clawmedic/no-unsafe-in-typescript-only',
    files: ['**/*.{js,mjs,cjs}'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Prettier wraps code at 120 columns but cannot wrap a long string or comment: those count too. (After
  // eslint-config-prettier, which turns max-len off.)
  {
    name: 'clawmedic/max-len',
    rules: {
      'max-len': ['error', { code: 120, tabWidth: 2, ignoreUrls: true }],
    },
  },
  boundaryConfig,
);
