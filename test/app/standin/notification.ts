// Stand-in for Electron's Notification: shown ones are recorded and kept, so the test can click one (or
// make it fail) the way Notification Center would, even after the app dropped its reference.
import { EventEmitter } from 'node:events';
import { standinConfig } from './config.js';
import { preventable, provide, record } from './control.js';

let nextId = 1;
const shown = new Map<number, StandinNotification>();

export class StandinNotification extends EventEmitter {
  readonly id = nextId++;
  readonly title: string;
  readonly body: string;
  readonly silent: boolean;

  static isSupported(): boolean {
    return standinConfig().notificationsSupported;
  }

  constructor(o: { title?: string; body?: string; silent?: boolean } = {}) {
    super();
    this.title = o.title ?? '';
    this.body = o.body ?? '';
    this.silent = o.silent ?? false;
  }

  show(): void {
    shown.set(this.id, this);
    record('notification.shown', { notification: this.id, title: this.title, body: this.body, silent: this.silent });
    this.emit('show', preventable());
  }

  close(): void {
    if (!shown.delete(this.id)) return;
    record('notification.closed', { notification: this.id });
    this.emit('close', preventable());
  }
}

function shownNotification(id: number): StandinNotification {
  const n = shown.get(id);
  if (!n) throw new Error(`notification ${id} is not on screen`);
  return n;
}

provide({
  clickNotification(id) {
    const n = shownNotification(id);
    shown.delete(id);
    record('notification.clicked', { notification: id });
    n.emit('click', preventable());
  },
  failNotification(id, error) {
    const n = shownNotification(id);
    shown.delete(id);
    n.emit('failed', preventable(), error);
  },
});
