// Settings → Gateway: where the OpenClaw gateway answers and how ClawMedic checks it.
import type { Form } from './form.js';

export function gatewaySection(form: Form): HTMLElement {
  return form.group(
    'Gateway',
    'Where the OpenClaw gateway answers and how ClawMedic checks it.',
    form.row(
      'Gateway URL',
      'gateway.url',
      form.text('gateway.url', { mono: true, type: 'url' }),
      'ClawMedic probes /healthz, /readyz and /startupz under it.',
    ),
    form.numRow('Check every', 'gateway.checkIntervalSec', 's'),
    form.numRow('Retry every', 'gateway.retryIntervalSec', 's', 'After a failed check, while confirming.'),
    form.numRow('Probe timeout', 'gateway.timeoutSec', 's', 'Longer than this counts as hung.'),
    form.numRow(
      'Failures before acting',
      'gateway.failureThreshold',
      undefined,
      'Consecutive failed checks before a restart.',
    ),
    form.numRow(
      'Startup grace',
      'gateway.startupGraceSec',
      's',
      'A starting gateway is not a failure within this time.',
    ),
    form.row('Gateway config', 'gateway.configPath', form.text('gateway.configPath', { mono: true })),
    form.row(
      'Log files',
      'gateway.logPaths',
      form.lines('gateway.logPaths', 3),
      'One path or glob per line; their tail goes into the doctor’s context.',
    ),
  );
}
