import { describe, expect, it } from 'vitest';
import {
  afterRenewFailure,
  authReducer,
  cognitoLogoutUrl,
  isSigninCallback,
  isSignoutCallback,
  renewDelayMs,
  returnPathOf,
  safeReturnPath,
  sessionOf,
  type Session,
} from './session';

const session = (over: Partial<Session> = {}): Session => ({ idToken: 'A', issuedAt: 1000, expiresAt: 4600, canRefresh: true, ...over });

describe('renewal timing', () => {
  it('renews an hour-long token a minute before it expires', () => {
    expect(renewDelayMs(session(), 1000_000)).toBe((4600 - 60 - 1000) * 1000);
  });

  it('renews a short token at three quarters of its life, not every second', () => {
    const s = session({ issuedAt: 1000, expiresAt: 1020 });
    expect(renewDelayMs(s, 1000_000)).toBe(15_000);
    expect(renewDelayMs(s, 1016_000)).toBe(0);
  });
});

describe('after a failed renewal', () => {
  it('ends the session when the identity provider refuses the refresh token', () => {
    expect(afterRenewFailure(session(), { error: 'invalid_grant' }, 1000_000)).toEqual({ kind: 'end', reason: 'refresh-failed' });
  });

  it('ends it when there is no refresh token', () => {
    expect(afterRenewFailure(session({ canRefresh: false }), new Error('x'), 1000_000)).toEqual({ kind: 'end', reason: 'refresh-failed' });
  });

  it('retries a network failure while the token has time left, and ends it at expiry', () => {
    expect(afterRenewFailure(session(), new TypeError('Failed to fetch'), 4590_000)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(afterRenewFailure(session(), new TypeError('Failed to fetch'), 4596_000)).toEqual({ kind: 'retry', delayMs: 2000 });
    expect(afterRenewFailure(session(), new TypeError('Failed to fetch'), 4599_000)).toEqual({ kind: 'end', reason: 'expired' });
  });
});

describe('authReducer', () => {
  it('ends the session of the current token', () => {
    const s = authReducer({ status: 'signed-in', session: session() }, { type: 'ended', reason: 'expired', idToken: 'A' });
    expect(s).toEqual({ status: 'ended', reason: 'expired', session: session() });
  });

  it('ignores the end of a token that a renewal already replaced', () => {
    const state = { status: 'signed-in' as const, session: session({ idToken: 'B' }) };
    expect(authReducer(state, { type: 'ended', reason: 'expired', idToken: 'A' })).toBe(state);
  });

  it('a renewal landing during sign-out or a sign-in redirect revives nothing', () => {
    for (const status of ['signing-out', 'redirecting'] as const) {
      const state = { status } as const;
      expect(authReducer(state, { type: 'signed-in', session: session() })).toBe(state);
    }
  });

  it('a late renewal revives an ended session', () => {
    const ended = authReducer({ status: 'signed-in', session: session() }, { type: 'ended', reason: 'expired', idToken: 'A' });
    expect(authReducer(ended, { type: 'signed-in', session: session({ idToken: 'B' }) }).status).toBe('signed-in');
  });
});

describe('sessionOf', () => {
  it('takes the ID token and its own exp/iat', () => {
    expect(sessionOf({ id_token: 'X', refresh_token: 'R', profile: { exp: 200, iat: 180 } })).toEqual({
      idToken: 'X',
      expiresAt: 200,
      issuedAt: 180,
      canRefresh: true,
    });
  });

  it('is null without an ID token', () => {
    expect(sessionOf({ profile: { exp: 200 } })).toBeNull();
    expect(sessionOf(null)).toBeNull();
  });
});

describe('return path', () => {
  it('keeps path, query and fragment but drops the authorization response', () => {
    expect(returnPathOf({ pathname: '/chat', search: '?c=c1&code=x&state=y', hash: '#m2' })).toBe('/chat?c=c1#m2');
    expect(returnPathOf({ pathname: '/', search: '', hash: '' })).toBe('/');
  });

  it('follows only paths on this site', () => {
    expect(safeReturnPath({ returnTo: '/chat?c=1' })).toBe('/chat?c=1');
    expect(safeReturnPath({ returnTo: '//evil.example' })).toBe('/');
    expect(safeReturnPath({ returnTo: '/\\evil.example' })).toBe('/');
    expect(safeReturnPath({ returnTo: 'https://evil.example' })).toBe('/');
    expect(safeReturnPath(undefined)).toBe('/');
  });

  it('recognises the callback by state plus code or error', () => {
    expect(isSigninCallback('?code=a&state=b')).toBe(true);
    expect(isSigninCallback('?error=access_denied&state=b')).toBe(true);
    expect(isSigninCallback('?code=a')).toBe(false);
    expect(isSigninCallback('')).toBe(false);
  });

  it('recognises the way back from sign-out by a lone state', () => {
    expect(isSignoutCallback('?state=s')).toBe(true);
    expect(isSignoutCallback('?code=a&state=s')).toBe(false);
    expect(isSignoutCallback('')).toBe(false);
  });
});

describe('Cognito logout URL', () => {
  const auth = { authority: 'https://cognito-idp.x/pool', clientId: 'cid', scope: 'openid' };

  it('adds client_id and logout_uri to auth.logoutUrl', () => {
    expect(cognitoLogoutUrl({ ...auth, logoutUrl: 'https://d.auth.x/logout' }, 'https://site/')).toBe(
      'https://d.auth.x/logout?client_id=cid&logout_uri=https%3A%2F%2Fsite%2F',
    );
  });

  it('is null without auth.logoutUrl (use end_session_endpoint)', () => {
    expect(cognitoLogoutUrl(auth, 'https://site/')).toBeNull();
  });
});

describe('message catalog', () => {
  it('says the session ended in Korean first, with an English twin', async () => {
    const { setLocale, t } = await import('../messages');
    expect(t('auth.sessionEnded')).toBe('세션이 만료되었습니다. 다시 로그인해 주세요.');
    setLocale('en');
    expect(t('auth.sessionEnded')).toBe('Your session has expired. Please sign in again.');
    setLocale('ko');
  });
});
