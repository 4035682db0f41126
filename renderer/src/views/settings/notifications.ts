// Settings → Notifications: native notifications and the channels. Regions: the channel list (follows adding
// and removing channels) and each channel card (follows its type, which decides its fields).
import { parseHeaders } from '../../settings/parse.js';
import { button, h } from '../../ui/dom.js';
import { toast } from '../../ui/toast.js';
import { formatValue, labelOf, type Form } from './form.js';

const CHANNELS = 'notify.channels';

export const CHANNEL_TYPES = [
  ['discord', 'Discord'],
  ['slack', 'Slack'],
  ['telegram', 'Telegram'],
  ['ntfy', 'ntfy'],
  ['webhook', 'Webhook'],
] as const;

const TELEGRAM_HINTS = {
  interactive: 'Read button presses by polling this bot (it must be ClawMedic’s own bot, not OpenClaw’s).',
  actions: 'Approve, deny, restart, start or stop the doctor, pause. Off: read-only buttons.',
  who: 'Telegram user ids, one per line (a group’s chat id lets everyone in it act).',
};

/** The engine's warning about this token (OpenClaw's own bot), shown under the field. */
function tokenWarning(form: Form, base: string): string | undefined {
  return form.view()?.warnings?.find((w) => w.path === `${base}.token`)?.message;
}

function channelCount(form: Form): number {
  const list = form.value(CHANNELS);
  return Array.isArray(list) ? list.length : 0;
}

/** What a channel is called in the form: its name, else its type's. */
function channelLabel(form: Form, base: string): string {
  const name = form.value(`${base}.name`);
  const type = form.value(`${base}.type`);
  return name ? formatValue(name) : labelOf(CHANNEL_TYPES, type);
}

function uniqueName(list: unknown[], type: string): string {
  const nameOf = (c: unknown) => {
    const { name, type: t } = (c && typeof c === 'object' ? c : {}) as { name?: unknown; type?: unknown };
    return String(name || t);
  };
  const used = new Set(list.map(nameOf));
  if (!used.has(type)) return type;
  for (let i = 2; ; i++) if (!used.has(`${type}-${i}`)) return `${type}-${i}`;
}

async function sendTest(form: Form, name: string, btn: HTMLButtonElement): Promise<void> {
  btn.disabled = true;
  try {
    const r = await form.ctx.api.testNotification(name);
    if (r.ok) toast(`Test message sent via ${name}.`, 'ok');
    else toast(r.message, 'error');
  } finally {
    btn.disabled = form.store.isDirty() || form.ctx.readOnly();
  }
}

function channelCard(form: Form, i: number): HTMLElement {
  const base = `${CHANNELS}.${i}`;
  const type = formatValue(form.value(`${base}.type`) ?? '');
  const headersValue = form.value(`${base}.headers`);
  const headers = headersValue && typeof headersValue === 'object' ? (headersValue as Record<string, string>) : {};
  const headersTa = h(
    'textarea',
    { class: 'input mono', rows: 2, spellcheck: 'false', placeholder: 'Authorization: Bearer …' },
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
  );
  headersTa.addEventListener('input', () => form.store.set(`${base}.headers`, parseHeaders(headersTa.value)));
  const title = h('strong', null, channelLabel(form, base));
  const testBtn = button('Send test', () => void sendTest(form, channelLabel(form, base), testBtn), { icon: 'send' });
  const removeBtn = button(
    `Remove channel ${channelLabel(form, base)}`,
    () => {
      form.store.changeList(CHANNELS, (list) => list.splice(i, 1));
      form.focus('add-channel');
    },
    { icon: 'trash', iconOnly: true, kind: 'ghost' },
  );
  // The test uses the saved settings: it waits for a save, and names the channel as it is now called.
  const refresh = () => {
    const label = channelLabel(form, base);
    const dirty = form.store.isDirty();
    title.textContent = label;
    testBtn.disabled = dirty || form.ctx.readOnly();
    testBtn.title = dirty ? 'Save first: the test uses the saved settings.' : `Send a test message via ${label}`;
    removeBtn.title = `Remove channel ${label}`;
    removeBtn.setAttribute('aria-label', `Remove channel ${label}`);
  };
  refresh();
  form.watch(() => true, refresh);
  return h(
    'div',
    { class: 'channel card-inner' },
    h('div', { class: 'channel-head' }, title, h('span', { class: 'spacer' }), testBtn, removeBtn),
    form.row('Name', `${base}.name`, form.text(`${base}.name`, { placeholder: type })),
    form.row('Type', `${base}.type`, form.select(`${base}.type`, CHANNEL_TYPES, { restructures: true })),
    form.row('Enabled', `${base}.enabled`, form.toggle(`${base}.enabled`)),
    type === 'telegram'
      ? [
          form.row(
            'Bot token',
            `${base}.token`,
            form.text(`${base}.token`, { mono: true, type: 'password' }),
            tokenWarning(form, base),
          ),
          form.row('Chat id', `${base}.chatId`, form.text(`${base}.chatId`, { mono: true })),
          form.row('Buttons', `${base}.interactive`, form.toggle(`${base}.interactive`), TELEGRAM_HINTS.interactive),
          form.row(
            'Buttons may act',
            `${base}.allowActions`,
            form.toggle(`${base}.allowActions`),
            TELEGRAM_HINTS.actions,
          ),
          form.row('Who may press', `${base}.allowChatIds`, form.lines(`${base}.allowChatIds`, 2), TELEGRAM_HINTS.who),
        ]
      : form.row(
          type === 'ntfy' ? 'Topic URL' : 'Webhook URL',
          `${base}.url`,
          form.text(`${base}.url`, { mono: true, type: 'url' }),
        ),
    type === 'webhook' || type === 'ntfy'
      ? form.row('Headers', `${base}.headers`, headersTa, 'One “Name: value” per line.')
      : null,
    form.numRow('At most one message per', `${base}.minIntervalSec`, 's'),
  );
}

function channelCards(form: Form): Node[] {
  const count = channelCount(form);
  if (count === 0) return [h('div', { class: 'muted small list-empty' }, 'No channels yet.')];
  const cards: Node[] = [];
  for (let i = 0; i < count; i++) {
    cards.push(
      ...form.region(
        (c) => c.kind === 'restructured' && c.path === `${CHANNELS}.${i}.type`,
        (f) => [channelCard(f, i)],
      ),
    );
  }
  return cards;
}

function addChannelRow(form: Form): HTMLElement {
  const newType = h(
    'select',
    { class: 'input select', 'aria-label': 'Type of the new channel' },
    ...CHANNEL_TYPES.map(([value, label]) => h('option', { value }, label)),
  );
  const add = () => {
    form.store.changeList(CHANNELS, (list) =>
      list.push({ type: newType.value, name: uniqueName(list, newType.value), enabled: true, url: '' }),
    );
    form.focus('add-channel');
  };
  return h(
    'div',
    { class: 'row add-row' },
    h('span', { class: 'row-label' }, 'Add a channel'),
    h(
      'div',
      { class: 'row-control inline' },
      newType,
      button('Add', add, { icon: 'plus', attrs: { 'data-focus-key': 'add-channel' } }),
    ),
  );
}

export function notificationsSection(form: Form): HTMLElement {
  return form.group(
    'Notifications',
    'How ClawMedic tells you what happened. Secrets are redacted from every message.',
    form.row(
      'Native notifications',
      'notify.native',
      form.toggle('notify.native'),
      'macOS notifications from the menu-bar app.',
    ),
    form.region((c) => c.kind === 'restructured' && c.path === CHANNELS, channelCards),
    addChannelRow(form),
  );
}
