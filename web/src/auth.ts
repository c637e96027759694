// Token handling: local login token or the company SSO token from `#token=`.

export const TOKEN_KEY = 'portal.token';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Extract `token` from a URL fragment such as `#token=abc&x=1` (or `#/path?token=abc`). */
export function tokenFromHash(hash: string): string | null {
  if (!hash) return null;
  const frag = hash.replace(/^#/, '');
  const query = frag.includes('?') ? frag.slice(frag.indexOf('?') + 1) : frag;
  const params = new URLSearchParams(query);
  const t = params.get('token') ?? params.get('access_token');
  return t && t.trim() ? t.trim() : null;
}

/** Remove the token from the fragment so it is not left in the address bar or history. */
export function stripTokenFromUrl(loc: Location = location, hist: History = history): void {
  const frag = loc.hash.replace(/^#/, '');
  if (!frag) return;
  const params = new URLSearchParams(frag);
  params.delete('token');
  params.delete('access_token');
  const rest = params.toString();
  const url = `${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`;
  try {
    hist.replaceState(hist.state, '', url);
  } catch {
    /* some embedded browsers refuse replaceState; not fatal */
  }
}

export function readStoredToken(storage: StorageLike): string | null {
  try {
    return storage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(storage: StorageLike, token: string): void {
  try {
    storage.setItem(TOKEN_KEY, token);
  } catch {
    /* storage disabled: the token lives only in memory for this page */
  }
}

export function clearToken(storage: StorageLike): void {
  try {
    storage.removeItem(TOKEN_KEY);
  } catch {
    /* ignore */
  }
}
