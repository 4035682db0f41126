// The stand-in's configuration: a JSON file the harness writes, named by CLAWMEDIC_STANDIN_CONFIG. Read
// once, then the variable is removed so nothing the app starts (tmux, the agent, restart steps) sees it.
import { readFileSync } from 'node:fs';
import type { StandinConfig } from './wire.js';

export const CONFIG_ENV = 'CLAWMEDIC_STANDIN_CONFIG';

let config: StandinConfig | null = null;

export function standinConfig(): StandinConfig {
  if (config) return config;
  const file = process.env[CONFIG_ENV];
  if (!file) throw new Error(`The Electron stand-in needs ${CONFIG_ENV} (the app harness in test/app sets it).`);
  config = JSON.parse(readFileSync(file, 'utf8')) as StandinConfig;
  delete process.env[CONFIG_ENV];
  return config;
}
