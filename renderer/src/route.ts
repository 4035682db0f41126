// Hash routes: #/ (overview), #/live, #/incidents, #/incidents/<id>, #/settings, #/settings/<key path>. Pure.
export type Route = 'overview' | 'live' | 'incidents' | 'settings';

export function parseRoute(hash: string): { route: Route; arg: string | null } {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const head = parts[0] ?? '';
  let arg: string | null = null;
  if (parts.length > 1 && parts.slice(1).join('/')) {
    try {
      arg = decodeURIComponent(parts.slice(1).join('/'));
    } catch {
      // A malformed escape cannot be an incident id or a key we made; show the list (or the form) instead.
      arg = null;
    }
  }
  if (head === 'incidents') return { route: 'incidents', arg };
  // The argument is a settings key path (`restart.command`): the view scrolls to that field.
  if (head === 'settings') return { route: 'settings', arg };
  if (head === 'live') return { route: 'live', arg: null };
  return { route: 'overview', arg: null };
}
