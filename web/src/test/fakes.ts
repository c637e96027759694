// Test doubles: a fake WebSocket and a routed fetch mock.
import type { AuthClient } from '../auth/oidc';
import type { AuthUser } from '../auth/session';
import type { SocketLike } from '../ws';

export class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  static reset(): void {
    FakeSocket.instances = [];
  }

  static latest(): FakeSocket {
    const s = FakeSocket.instances[FakeSocket.instances.length - 1];
    if (!s) throw new Error('no socket created');
    return s;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  // ---- server side ----
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  emit(ev: unknown): void {
    this.onmessage?.({ data: typeof ev === 'string' ? ev : JSON.stringify(ev) });
  }

  /** Connection lost (server or network side). */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  actions(name?: string): Array<Record<string, unknown>> {
    return (this.sent as Array<Record<string, unknown>>).filter((m) => !name || m.action === name);
  }
}

export interface Route {
  method: string;
  /** Exact path or a RegExp on the URL. */
  match: string | RegExp;
  respond: (body: unknown, url: string, headers: Record<string, string>) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
}

export interface FetchCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export function jsonResponse(status: number, body?: unknown): Response {
  if (body === undefined || status === 204) return new Response(null, { status });
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A fetch mock that dispatches on method + URL and records calls. */
export function routedFetch(routes: Route[]) {
  const calls: FetchCall[] = [];
  const fetchImpl = async (input: string, init?: RequestInit): Promise<Response> => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url: input, headers, body });
    const route = routes.find(
      (r) => r.method === method && (typeof r.match === 'string' ? r.match === input : r.match.test(input)),
    );
    if (!route) {
      return jsonResponse(404, { error: { code: 'not_found', message: `no route for ${method} ${input}` } });
    }
    const { status, body: out } = await route.respond(body, input, headers);
    return jsonResponse(status, out);
  };
  return { fetchImpl, calls };
}

// ---- sign-in ----

/** A user as oidc-client-ts would store it; the token's lifetime in seconds from `nowS`. */
export function fakeUser(idToken: string, { nowS = Math.floor(Date.now() / 1000), ttlS = 3600, refresh = true, state }: { nowS?: number; ttlS?: number; refresh?: boolean; state?: unknown } = {}): AuthUser {
  return {
    id_token: idToken,
    refresh_token: refresh ? `refresh-${idToken}` : undefined,
    profile: { sub: 'E1001', iat: nowS, exp: nowS + ttlS },
    state,
  };
}

/** An OIDC client double: records redirects, answers renewals from a queue. */
export class FakeAuthClient implements AuthClient {
  calls: string[] = [];
  redirects: Array<{ state?: unknown }> = [];
  signouts: Array<{ post_logout_redirect_uri?: string }> = [];
  /** Each signinSilent takes the next answer (a user, or an error to throw). */
  renewals: Array<AuthUser | Error | Promise<AuthUser>> = [];
  callbackUser: AuthUser | Error | null = null;
  endSession = true;

  constructor(public user: AuthUser | null = null) {}

  async getUser(): Promise<AuthUser | null> {
    this.calls.push('getUser');
    return this.user;
  }

  async signinRedirect(args?: { state?: unknown }): Promise<void> {
    this.calls.push('signinRedirect');
    this.redirects.push(args ?? {});
  }

  async signinRedirectCallback(url?: string): Promise<AuthUser> {
    this.calls.push(`signinRedirectCallback ${url ?? ''}`);
    const u = this.callbackUser;
    if (!u) throw new Error('No matching state found in storage');
    if (u instanceof Error) throw u;
    this.user = u;
    return u;
  }

  async signinSilent(): Promise<AuthUser | null> {
    this.calls.push('signinSilent');
    const queued = this.renewals.shift();
    if (!queued) throw new Error('no renewal queued');
    if (queued instanceof Error) throw queued;
    const next = await queued;
    this.user = next; // as oidc-client-ts stores the renewed user
    return next;
  }

  async signoutRedirect(args?: { post_logout_redirect_uri?: string }): Promise<void> {
    this.calls.push('signoutRedirect');
    if (!this.endSession) throw new Error('no end session endpoint');
    this.user = null;
    this.signouts.push(args ?? {});
  }

  async signoutRedirectCallback(url?: string): Promise<unknown> {
    this.calls.push(`signoutRedirectCallback ${url ?? ''}`);
    return {};
  }

  async removeUser(): Promise<void> {
    this.calls.push('removeUser');
    this.user = null;
  }
}
