#!/usr/bin/env node
// Entry point for `clawmedic` / `npx clawmedic`: runs the compiled CLI from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, 'dist', 'main', 'cli', 'index.js');
if (!existsSync(entry)) {
  console.error(
    `clawmedic: ${entry} is missing: the TypeScript sources have not been ` +
      `built.\nRun \`npm install\` (it builds) or \`npm run build\` in ` +
      `${root}, then try again.`,
  );
  process.exit(2);
}
const { main } = /** @type {{ main: (argv: string[]) => Promise<number> }} */ (await import(pathToFileURL(entry).href));
process.exitCode = await main(process.argv);
