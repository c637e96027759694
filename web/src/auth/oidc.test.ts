import { describe, expect, it } from 'vitest';
import type { UserManager } from 'oidc-client-ts';
import { createAuthClient } from './oidc';

describe('createAuthClient', () => {
  const auth = { authority: 'https://idp.example/pool', clientId: 'web', scope: 'openid profile email' };

  it('asks the identity provider for Korean sign-in pages', () => {
    // Given the portal's auth config / When the client is made
    const { settings } = createAuthClient(auth, { origin: 'https://portal.example' }) as UserManager;

    // Then both the OIDC parameter and Cognito's own go on the authorize request
    expect(settings.ui_locales).toBe('ko');
    expect(settings.extraQueryParams).toEqual({ lang: 'ko' });
  });

  it('comes back to the site root after sign-in and sign-out', () => {
    const { settings } = createAuthClient(auth, { origin: 'https://portal.example' }) as UserManager;
    expect(settings.redirect_uri).toBe('https://portal.example/');
    expect(settings.post_logout_redirect_uri).toBe('https://portal.example/');
  });
});
