// Hash routes: #/live, #/incidents, #/incidents/<id>, #/settings. Pure.
export type Route = 'live' | 'incidents' | 'settings';

export function parseRoute(hash: string): { route: Route; arg: string | null } {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const head = parts[0] ?? '';
  let arg: string | null = null;
  if (parts.length > 1 && parts.slice(1).join('/')) {
    try {
      arg = decodeURIComponent(parts.slice(1).join('/'));
    } catch {
      // A malformed escape cannot be an incident id we made; show the list instead.
      arg = null;
    }
  }
  if (head === 'incidents') return { route: 'incidents', arg };
  if (head === 'settings') return { route: 'settings', arg: null };
  return { route: 'live', arg: null };
}
