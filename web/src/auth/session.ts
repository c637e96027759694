// Sign-in state and the decisions about it, as pure functions (the hook in
// hooks/useAuth.ts loads, stores and schedules around them).
import type { AuthConfig } from '../types';

/** What the UI keeps of a signed-in user: the ID token is the bearer for the API and socket. */
export interface Session {
  idToken: string;
  /** `exp` of the ID token (epoch seconds). */
  expiresAt: number;
  /** `iat` of the ID token (epoch seconds). */
  issuedAt: number;
  /** A refresh token is held: the session can be renewed without the user. */
  canRefresh: boolean;
}

/** Why a session ended under the user (both show the same Korean message). */
export type SessionEndReason = 'expired' | 'refresh-failed';

export type AuthState =
  | { status: 'loading' }
  | { status: 'redirecting' }
  | { status: 'signing-out' }
  | { status: 'error'; detail: string }
  | { status: 'signed-in'; session: Session }
  | { status: 'ended'; reason: SessionEndReason; session: Session };

export type AuthAction =
  | { type: 'signed-in'; session: Session }
  | { type: 'redirecting' }
  | { type: 'signing-out' }
  | { type: 'failed'; detail: string }
  /** The session of `idToken` is over; ignored when a newer token already replaced it. */
  | { type: 'ended'; reason: SessionEndReason; idToken: string };

export const initialAuthState: AuthState = { status: 'loading' };

export function authReducer(state: AuthState, action: AuthAction): AuthState {
  switch (action.type) {
    case 'signed-in':
      // A renewal that lands while the browser leaves (sign-out, sign-in redirect) revives nothing.
      if (state.status === 'signing-out' || state.status === 'redirecting') return state;
      return { status: 'signed-in', session: action.session };
    case 'redirecting':
      return { status: 'redirecting' };
    case 'signing-out':
      return { status: 'signing-out' };
    case 'failed':
      return { status: 'error', detail: action.detail };
    case 'ended':
      if (state.status !== 'signed-in' || state.session.idToken !== action.idToken) return state;
      return { status: 'ended', reason: action.reason, session: state.session };
  }
}

/** The user as oidc-client-ts stores it (only what the portal reads). */
export interface AuthUser {
  id_token?: string;
  refresh_token?: string;
  profile: { exp?: number; iat?: number; [claim: string]: unknown };
  /** Data given to signinRedirect({ state }) comes back here after the callback. */
  state?: unknown;
}

/** The session carried by a user, or null when it has no usable ID token. */
export function sessionOf(user: AuthUser | null | undefined): Session | null {
  if (!user?.id_token) return null;
  const exp = typeof user.profile.exp === 'number' ? user.profile.exp : 0;
  const iat = typeof user.profile.iat === 'number' ? user.profile.iat : exp - 3600;
  return { idToken: user.id_token, expiresAt: exp, issuedAt: iat, canRefresh: !!user.refresh_token };
}

/**
 * Seconds before expiry at which the token is renewed: a minute for hour-long tokens, a
 * quarter of the lifetime for short ones (a 20 s token renews at 15 s, not every second).
 */
export function renewLeadSeconds(s: Session): number {
  const lifetime = Math.max(1, s.expiresAt - s.issuedAt);
  return Math.min(60, lifetime / 4);
}

/** Milliseconds from `nowMs` until the session should be renewed (0: now). */
export function renewDelayMs(s: Session, nowMs: number): number {
  return Math.max(0, Math.round((s.expiresAt - renewLeadSeconds(s)) * 1000 - nowMs));
}

export function isExpired(s: Session, nowMs: number): boolean {
  return s.expiresAt * 1000 <= nowMs;
}

export type RenewOutcome = { kind: 'retry'; delayMs: number } | { kind: 'end'; reason: SessionEndReason };

/**
 * A silent renewal failed. The identity provider refusing the refresh token (`invalid_grant`)
 * or having none ends the session; anything else (network, 5xx) is retried while the token
 * still has time left.
 */
export function afterRenewFailure(s: Session, error: unknown, nowMs: number): RenewOutcome {
  const code = (error as { error?: unknown } | null)?.error;
  if (!s.canRefresh || code === 'invalid_grant') return { kind: 'end', reason: 'refresh-failed' };
  const left = s.expiresAt * 1000 - nowMs;
  if (left <= 2000) return { kind: 'end', reason: 'expired' };
  return { kind: 'retry', delayMs: Math.min(5000, Math.floor(left / 2)) };
}

const CALLBACK_PARAMS = ['code', 'state', 'session_state', 'error', 'error_description', 'error_uri', 'iss'];

/** The identity provider sent the browser back here (authorization response in the query). */
export function isSigninCallback(search: string): boolean {
  const p = new URLSearchParams(search);
  return p.has('state') && (p.has('code') || p.has('error'));
}

/** Back from the identity provider's end_session_endpoint (only `state`, no code or error). */
export function isSignoutCallback(search: string): boolean {
  const p = new URLSearchParams(search);
  return p.has('state') && !p.has('code') && !p.has('error');
}

/** Where the user is now, to come back to after signing in (without callback parameters). */
export function returnPathOf(loc: Pick<Location, 'pathname' | 'search' | 'hash'>): string {
  const p = new URLSearchParams(loc.search);
  for (const k of CALLBACK_PARAMS) p.delete(k);
  const q = p.toString();
  return `${loc.pathname || '/'}${q ? `?${q}` : ''}${loc.hash}`;
}

/** A return path from the OIDC state, accepted only when it stays on this site. */
export function safeReturnPath(value: unknown): string {
  const path = (value as { returnTo?: unknown } | null | undefined)?.returnTo;
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) {
    return '/';
  }
  return path;
}

/**
 * Cognito's logout URL (`/logout?client_id=…&logout_uri=…`): Cognito publishes no
 * end_session_endpoint, so config.json names it.
 */
export function cognitoLogoutUrl(auth: AuthConfig, logoutUri: string): string | null {
  if (!auth.logoutUrl) return null;
  const u = new URL(auth.logoutUrl);
  if (!u.searchParams.has('client_id')) u.searchParams.set('client_id', auth.clientId);
  if (!u.searchParams.has('logout_uri')) u.searchParams.set('logout_uri', logoutUri);
  return u.toString();
}
