// The loopback web dashboard adapter: the renderer UI over HTTP + WebSocket for headless machines.
export { startDashboard, type Dashboard, type DashboardOptions } from './server.js';
export { PROTOCOL_VERSION, WS_PATH, type ClientFrame, type ServerFrame } from '../../common/ws-protocol.js';
