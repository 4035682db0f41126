// Stand-in for Electron's dialog. Every call is recorded with the window it is attached to (or none) and
// whether the app came forward first; a message box stays open until the test answers it, as a person
// would. Error boxes need no answer.
import { app } from './app.js';
import { problem, provide, record } from './control.js';
import { StandinBrowserWindow } from './window.js';

export interface MessageBoxOptions {
  message?: string;
  detail?: string;
  buttons?: string[];
  cancelId?: number;
  defaultId?: number;
}

let nextId = 1;
let focusesAtLastDialog = 0;
const open = new Map<number, (response: number) => void>();

function split<T>(a: unknown, b: T | undefined): [StandinBrowserWindow | null, T] {
  return a instanceof StandinBrowserWindow ? [a, b as T] : [null, a as T];
}

type DialogKind = 'message-box' | 'error-box' | 'open' | 'save';

function opened(kind: DialogKind, parent: StandinBrowserWindow | null, o: MessageBoxOptions, sync: boolean): number {
  const id = nextId++;
  const afterFocus = app.focusCount > focusesAtLastDialog;
  focusesAtLastDialog = app.focusCount;
  record('dialog.opened', {
    dialog: id,
    kind,
    parent: parent ? parent.id : null,
    afterFocus,
    sync,
    message: o.message ?? '',
    detail: o.detail ?? '',
    buttons: o.buttons ?? [],
  });
  return id;
}

export const dialog = {
  showMessageBox(a: unknown, b?: MessageBoxOptions): Promise<{ response: number; checkboxChecked: boolean }> {
    const [parent, o] = split(a, b);
    const id = opened('message-box', parent, o, false);
    return new Promise((resolve) => open.set(id, (response) => resolve({ response, checkboxChecked: false })));
  },
  showMessageBoxSync(a: unknown, b?: MessageBoxOptions): number {
    const [parent, o] = split(a, b);
    opened('message-box', parent, o, true);
    problem(`dialog.showMessageBoxSync("${o.message ?? ''}") blocks the main process (and the engine) until answered`);
    return o.cancelId ?? 0;
  },
  showErrorBox(title: string, content: string): void {
    opened('error-box', null, { message: title, detail: content }, true);
  },
  showOpenDialog(a: unknown, b?: MessageBoxOptions): Promise<{ canceled: boolean; filePaths: string[] }> {
    return new Promise((resolve) => {
      const [parent, o] = split(a, b);
      opened('open', parent, o, false);
      resolve({ canceled: true, filePaths: [] });
    });
  },
  showSaveDialog(a: unknown, b?: MessageBoxOptions): Promise<{ canceled: boolean; filePath: string }> {
    return new Promise((resolve) => {
      const [parent, o] = split(a, b);
      opened('save', parent, o, false);
      resolve({ canceled: true, filePath: '' });
    });
  },
};

provide({
  answerDialog(id, response) {
    const answer = open.get(id);
    if (!answer) throw new Error(`dialog ${id} is not open`);
    open.delete(id);
    record('dialog.answered', { dialog: id, response });
    answer(response);
  },
});
