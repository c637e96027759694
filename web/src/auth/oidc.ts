// The OIDC client (oidc-client-ts: authorization code + PKCE, refresh tokens) built from
// config.json `auth`. The app talks to it through `AuthClient`, so tests pass a fake.
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { AuthConfig } from '../types';
import type { AuthUser } from './session';

/** The part of oidc-client-ts's UserManager the portal uses. */
export interface AuthClient {
  getUser(): Promise<AuthUser | null>;
  signinRedirect(args?: { state?: unknown }): Promise<void>;
  signinRedirectCallback(url?: string): Promise<AuthUser>;
  /** Uses the refresh token (the portal never relies on third-party-cookie iframes). */
  signinSilent(): Promise<AuthUser | null>;
  signoutRedirect(args?: { post_logout_redirect_uri?: string }): Promise<void>;
  /** Back from the end_session_endpoint (`?state=`): clears the stored sign-out request. */
  signoutRedirectCallback(url?: string): Promise<unknown>;
  removeUser(): Promise<void>;
}

/** The site root: where the identity provider sends the browser back (callback and logout). */
export function siteRoot(loc: Pick<Location, 'origin'> = location): string {
  return `${loc.origin}/`;
}

export function createAuthClient(auth: AuthConfig, loc: Pick<Location, 'origin'> = location): AuthClient {
  return new UserManager({
    authority: auth.authority,
    client_id: auth.clientId,
    scope: auth.scope,
    response_type: 'code',
    redirect_uri: siteRoot(loc),
    post_logout_redirect_uri: siteRoot(loc),
    // Korean sign-in pages: `ui_locales` is OIDC's own (Entra ID, Okta, Google), `lang` is what
    // Cognito's managed login reads; an identity provider ignores the one it does not know.
    ui_locales: 'ko',
    extraQueryParams: { lang: 'ko' },
    // Renewal is scheduled by useAuth from the ID token's own lifetime: the library's fixed
    // lead time (60 s) would renew a short-lived token every second, and it does not retry
    // a renewal that failed on a network blip.
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
    // Per tab, gone with the tab; survives reloads.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}
