// Entry point: picks the transport (the Electron preload's window.clawmedic, else the dashboard's
// WebSocket) and starts the app. Nothing else in the renderer knows which one it got.
import '@xterm/xterm/css/xterm.css';
import './styles/glyphs.css';
import './styles/app.css';
import type { ClawMedicApi } from '../../common/operations.js';
import { createWsClient, dashboardSocketUrl, type DashboardClient } from './transport/ws-client.js';
import { startApp } from './app.js';

declare global {
  interface Window {
    clawmedic?: ClawMedicApi;
  }
}

function pickApi(): { api: ClawMedicApi; client: DashboardClient | null } {
  if (window.clawmedic) return { api: window.clawmedic, client: null };
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    const client = createWsClient({ url: dashboardSocketUrl(location.href) });
    return { api: client, client };
  }
  throw new Error(
    'This page needs the ClawMedic app (or `clawmedic watch --dashboard`) to run; it cannot work opened as a file.',
  );
}

const root = document.getElementById('app')!;
try {
  const { api, client } = pickApi();
  startApp(root, api, client);
} catch (err) {
  root.textContent = (err as Error).message;
  root.classList.add('fatal');
}
