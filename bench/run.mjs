#!/usr/bin/env node
// `npm run bench` entry: runs the compiled benchmarks (bench/*.ts → dist/bench/) after `npm run build`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, 'dist', 'bench', 'main.js');
if (!existsSync(entry)) {
  console.error(`bench: ${entry} is missing: build first with \`npm run build\` (\`npm run bench\` does it for you).`);
  process.exit(2);
}
const { main } = /** @type {{ main: (argv: string[]) => Promise<number> }} */ (await import(pathToFileURL(entry).href));
process.exitCode = await main(process.argv.slice(2));
