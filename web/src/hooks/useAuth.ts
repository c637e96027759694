// Sign-in: redirect to the identity provider, come back to the same page, renew the ID token
// silently before it expires, tell the user when the session ended, sign out locally and at
// the IdP. The decisions are in auth/session.ts; this hook loads, schedules and stores.
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { AuthClient } from '../auth/oidc';
import { siteRoot } from '../auth/oidc';
import {
  afterRenewFailure,
  authReducer,
  cognitoLogoutUrl,
  initialAuthState,
  isExpired,
  isSigninCallback,
  isSignoutCallback,
  renewDelayMs,
  returnPathOf,
  safeReturnPath,
  sessionOf,
  type AuthState,
  type Session,
} from '../auth/session';
import type { AuthConfig } from '../types';
import type { PortalSocket } from '../ws';

/** Browser surroundings, replaceable in tests. */
export interface AuthEnv {
  now: () => number;
  location: Pick<Location, 'href' | 'origin' | 'pathname' | 'search' | 'hash'>;
  replaceUrl: (url: string) => void;
  navigate: (url: string) => void;
}

export const browserAuthEnv = (): AuthEnv => ({
  now: () => Date.now(),
  location: window.location,
  replaceUrl: (url) => {
    try {
      window.history.replaceState(null, '', url);
    } catch {
      /* some embedded browsers refuse replaceState; not fatal */
    }
  },
  navigate: (url) => window.location.assign(url),
});

export interface Auth {
  state: AuthState;
  /** The current ID token (null unless signed in). */
  token: string | null;
  /** Read the current ID token without re-rendering (API client, socket URL). */
  getToken: () => string | null;
  /** A token good for a while: the current one, or a renewed one when it is about to expire. */
  freshToken: () => Promise<string>;
  /** Renew now (e.g. the API answered 401); resolves to the new token, null when it failed. */
  renewNow: () => Promise<string | null>;
  /** The API refused a token even after renewal: the session of that token is over. */
  sessionRejected: (idToken: string | null) => void;
  /** Go to the identity provider, coming back to the page the user is on. */
  signIn: () => void;
  /** Sign out here and at the identity provider. */
  signOut: () => Promise<void>;
}

type Boot = { kind: 'signed-in'; session: Session; returnTo?: string } | { kind: 'sign-in' } | { kind: 'error'; detail: string };

// One boot per client: React StrictMode runs effects twice, and the authorization code of a
// callback can be redeemed only once.
const boots = new WeakMap<AuthClient, Promise<Boot>>();

async function boot(client: AuthClient, env: AuthEnv): Promise<Boot> {
  if (isSigninCallback(env.location.search)) {
    try {
      const user = await client.signinRedirectCallback(env.location.href);
      const session = sessionOf(user);
      if (!session) return { kind: 'error', detail: 'no id_token' };
      return { kind: 'signed-in', session, returnTo: safeReturnPath(user.state) };
    } catch (e) {
      return { kind: 'error', detail: e instanceof Error ? e.message : String(e) };
    }
  }
  if (isSignoutCallback(env.location.search)) {
    await client.signoutRedirectCallback(env.location.href).catch(() => undefined);
    // Back from signing out: whatever user is stored is from before (never sign in silently).
    await client.removeUser().catch(() => undefined);
    env.replaceUrl(returnPathOf(env.location));
  }
  const stored = sessionOf(await client.getUser().catch(() => null));
  if (stored && !isExpired(stored, env.now())) return { kind: 'signed-in', session: stored };
  if (stored?.canRefresh) {
    const renewed = sessionOf(await client.signinSilent().catch(() => null));
    if (renewed) return { kind: 'signed-in', session: renewed };
  }
  return { kind: 'sign-in' };
}

export function useAuth(auth: AuthConfig, client: AuthClient, env: AuthEnv): Auth {
  const [state, dispatch] = useReducer(authReducer, initialAuthState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const envRef = useRef(env);
  envRef.current = env;
  const renewing = useRef<Promise<Session> | null>(null);
  /** Signing out: no renewal may start (its stored user would outlive the sign-out). */
  const leaving = useRef(false);

  const signIn = useCallback(() => {
    dispatch({ type: 'redirecting' });
    const returnTo = returnPathOf(envRef.current.location);
    client.signinRedirect({ state: { returnTo } }).catch((e: unknown) => {
      dispatch({ type: 'failed', detail: e instanceof Error ? e.message : String(e) });
    });
  }, [client]);

  useEffect(() => {
    let cancelled = false;
    let started = boots.get(client);
    if (!started) {
      started = boot(client, envRef.current);
      boots.set(client, started);
    }
    void started.then((b) => {
      if (cancelled) return;
      if (b.kind === 'signed-in') {
        if (b.returnTo) envRef.current.replaceUrl(b.returnTo);
        dispatch({ type: 'signed-in', session: b.session });
      } else if (b.kind === 'error') {
        // Drop ?code/&error from the address bar so "다시 로그인" starts clean.
        envRef.current.replaceUrl(returnPathOf(envRef.current.location));
        dispatch({ type: 'failed', detail: b.detail });
      } else {
        signIn();
      }
    });
    return () => {
      cancelled = true;
    };
  }, [client, signIn]);

  /**
   * One renewal at a time; every caller (timer, socket reconnect, API 401) gets its result.
   * A refusal that ends the session is acted on here, whoever asked.
   */
  const renew = useCallback((): Promise<Session> => {
    if (leaving.current) return Promise.reject(new Error('signing out'));
    if (!renewing.current) {
      const current = stateRef.current.status === 'signed-in' ? stateRef.current.session : null;
      renewing.current = client
        .signinSilent()
        .then((user) => {
          const session = sessionOf(user);
          if (!session) throw new Error('renewal returned no id_token');
          dispatch({ type: 'signed-in', session });
          return session;
        })
        .catch((e: unknown) => {
          if (current) {
            const outcome = afterRenewFailure(current, e, envRef.current.now());
            if (outcome.kind === 'end') dispatch({ type: 'ended', reason: outcome.reason, idToken: current.idToken });
          }
          throw e;
        })
        .finally(() => {
          renewing.current = null;
        });
    }
    return renewing.current;
  }, [client]);

  // Renew before expiry; retry a failed renewal while there is time; end the session at
  // expiry if no new token came.
  const session = state.status === 'signed-in' ? state.session : null;
  useEffect(() => {
    if (!session) return;
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const attempt = () => {
      renew().catch((e: unknown) => {
        const outcome = afterRenewFailure(session, e, envRef.current.now());
        if (outcome.kind === 'retry') timers.push(setTimeout(attempt, outcome.delayMs));
      });
    };
    const now = envRef.current.now();
    timers.push(setTimeout(attempt, renewDelayMs(session, now)));
    timers.push(
      setTimeout(
        () => dispatch({ type: 'ended', reason: 'expired', idToken: session.idToken }),
        Math.max(0, session.expiresAt * 1000 - now),
      ),
    );
    return () => timers.forEach(clearTimeout);
  }, [session, renew]);

  const getToken = useCallback(() => {
    const s = stateRef.current;
    return s.status === 'signed-in' ? s.session.idToken : null;
  }, []);

  const freshToken = useCallback(async (): Promise<string> => {
    const s = stateRef.current;
    if (s.status !== 'signed-in') throw new Error('not signed in');
    if (renewDelayMs(s.session, envRef.current.now()) > 0) return s.session.idToken;
    return (await renew()).idToken;
  }, [renew]);

  const renewNow = useCallback(async (): Promise<string | null> => {
    if (stateRef.current.status !== 'signed-in') return null;
    try {
      return (await renew()).idToken;
    } catch {
      return null;
    }
  }, [renew]);

  const sessionRejected = useCallback((idToken: string | null) => {
    const s = stateRef.current;
    if (s.status !== 'signed-in') return;
    dispatch({ type: 'ended', reason: 'expired', idToken: idToken ?? s.session.idToken });
  }, []);

  const signOut = useCallback(async () => {
    leaving.current = true;
    dispatch({ type: 'signing-out' });
    // A refresh in flight stores its user when it lands: let it land first, then remove it.
    await renewing.current?.catch(() => undefined);
    const back = siteRoot(envRef.current.location);
    const cognito = cognitoLogoutUrl(auth, back);
    if (cognito) {
      await client.removeUser();
      envRef.current.navigate(cognito);
      return;
    }
    try {
      // Removes the local user, then the IdP's end_session_endpoint (with id_token_hint).
      await client.signoutRedirect({ post_logout_redirect_uri: back });
    } catch {
      // No end_session_endpoint and no logoutUrl: at least forget the user here.
      await client.removeUser();
      envRef.current.navigate(back);
    }
  }, [auth, client]);

  const token = state.status === 'signed-in' ? state.session.idToken : null;
  return useMemo(
    () => ({ state, token, getToken, freshToken, renewNow, sessionRejected, signIn, signOut }),
    [state, token, getToken, freshToken, renewNow, sessionRejected, signIn, signOut],
  );
}

/** Live sockets follow the token: a refreshed token re-authenticates the open socket. */
export function useSocketReauth(socket: PortalSocket | null, token: string | null): void {
  useEffect(() => {
    if (socket && token) socket.authenticate(token);
  }, [socket, token]);
}
