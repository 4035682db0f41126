// The token-for-cookie redirect stays on the dashboard: a path that browsers would read as another host
// (`//evil.com`, `/\evil.com`) is folded back into a path of ours.
import { describe, expect, it } from 'vitest';
import { sameOriginPath } from '../../main/dashboard/http.js';

const at = (p: string) => sameOriginPath(new URL(p, 'http://dashboard.invalid'));

describe('the redirect after the token exchange', () => {
  it('keeps path, query and hash of an ordinary page', () => {
    expect(at('/incidents?x=1#/live')).toBe('/incidents?x=1#/live');
    expect(at('/')).toBe('/');
  });

  it('never answers with a Location another host could be read from', () => {
    for (const p of ['/.//evil.com/', '//evil.com/x', '/%2F%2Fevil.com', '/\\evil.com', '/\\/evil.com']) {
      const loc = at(p);
      expect(loc, p).toMatch(/^\/(?![/\\])/);
      expect(new URL(loc, 'http://dashboard.invalid').host, p).toBe('dashboard.invalid');
    }
  });
});
