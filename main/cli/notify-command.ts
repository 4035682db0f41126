// `clawmedic notify test [channel]`: send a clearly labelled test message to one channel or all.
import { Engine } from '../engine/engine.js';
import { settingsFilePath } from '../engine/settings/index.js';
import { green, red } from './format.js';
import { CliExit, EXIT_FAIL, EXIT_OK, EXIT_USAGE, loadOrExit } from './index.js';

export async function runNotifyTest(
  config: string | undefined,
  channel: string | undefined,
  o: { json?: boolean },
): Promise<void> {
  const { settings } = await loadOrExit(config);
  const names = settings.notify.channels.map((c) => c.name || c.type);
  if (names.length === 0)
    throw new CliExit(
      EXIT_USAGE,
      'No notification channels are configured: add one under notify.channels in the settings file.',
    );
  if (channel && !names.includes(channel))
    throw new CliExit(EXIT_USAGE, `No channel named "${channel}" (configured: ${names.join(', ')}).`);
  const engine = await Engine.create({
    settingsFile: settingsFilePath(config),
    onInvalidSettings: 'throw',
    doctorFactory: null,
  });
  const results = await engine.testChannels(channel);
  await engine.stop('notify test finished');
  if (o.json) console.log(JSON.stringify(results, null, 2));
  else for (const r of results) console.log(`${r.ok ? green('sent') : red('FAILED')}  ${r.channel}: ${r.detail}`);
  process.exitCode = results.every((r) => r.ok) ? EXIT_OK : EXIT_FAIL;
}
