// App shell: runtime config -> sign-in (OIDC, the same in every target) -> portal.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { loadConfig, type FetchLike } from './api';
import { createAuthClient, type AuthClient } from './auth/oidc';
import { t } from './messages';
import type { AuthConfig, RuntimeConfig } from './types';
import type { PortalSocketOptions, SocketFactory } from './ws';
import { browserAuthEnv, useAuth, type AuthEnv } from './hooks/useAuth';
import type { Timing } from './hooks/useTurns';
import { Portal } from './Portal';

export interface AppDeps {
  fetchImpl?: FetchLike;
  createSocket?: SocketFactory;
  /** The OIDC client for config.json `auth` (tests pass a fake; default oidc-client-ts). */
  createAuthClient?: (auth: AuthConfig) => AuthClient;
  authEnv?: AuthEnv;
  /** Extra socket options (tests pass fake timers / no ping). */
  socketOptions?: Partial<Omit<PortalSocketOptions, 'url' | 'createSocket'>>;
  timing?: Partial<Timing>;
}


type Boot =
  | { phase: 'loading' }
  | { phase: 'config-error'; message: string; detail?: string }
  | { phase: 'ready'; config: RuntimeConfig; auth: AuthConfig };

function CenterCard({ children }: { children: ReactNode }) {
  return (
    <div className="center-screen">
      <div className="card">
        <h1>{t('app.title')}</h1>
        {children}
      </div>
    </div>
  );
}

function Waiting({ text }: { text: string }) {
  return (
    <div className="center-screen">
      <p className="muted" role="status">
        {text}
      </p>
    </div>
  );
}

export function App(deps: AppDeps = {}) {
  const fetchImpl = deps.fetchImpl;
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setBoot({ phase: 'loading' });
    loadConfig(fetchImpl)
      .then((config) => {
        if (cancelled) return;
        if (config.auth) setBoot({ phase: 'ready', config, auth: config.auth });
        else setBoot({ phase: 'config-error', message: t('config.noAuth') });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        const msg = e instanceof Error ? e.message : String(e);
        setBoot({ phase: 'config-error', message: t('config.failed'), detail: msg });
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, fetchImpl]);

  switch (boot.phase) {
    case 'loading':
      return <Waiting text={t('app.loading')} />;
    case 'config-error':
      return (
        <CenterCard>
          <p>{boot.message}</p>
          {boot.detail && <p className="muted">{boot.detail}</p>}
          <button type="button" className="btn primary" onClick={() => setAttempt((a) => a + 1)}>
            {t('app.retry')}
          </button>
        </CenterCard>
      );
    case 'ready':
      return <WithSignIn config={boot.config} auth={boot.auth} deps={deps} />;
  }
}

/** Signs the user in (or shows where that stands), then renders the portal. */
function WithSignIn({ config, auth: authConfig, deps }: { config: RuntimeConfig; auth: AuthConfig; deps: AppDeps }) {
  const makeClient = deps.createAuthClient;
  const client = useMemo(() => (makeClient ?? createAuthClient)(authConfig), [makeClient, authConfig]);
  const env = useMemo(() => deps.authEnv ?? browserAuthEnv(), [deps.authEnv]);
  const auth = useAuth(authConfig, client, env);

  switch (auth.state.status) {
    case 'loading':
      return <Waiting text={t('app.loading')} />;
    case 'redirecting':
      return <Waiting text={t('auth.redirecting')} />;
    case 'signing-out':
      return <Waiting text={t('auth.signingOut')} />;
    case 'error':
      return (
        <CenterCard>
          <p>{t('auth.callbackFailed')}</p>
          <p className="muted">{auth.state.detail}</p>
          <button type="button" className="btn primary" onClick={auth.signIn}>
            {t('auth.signInAgain')}
          </button>
        </CenterCard>
      );
    case 'signed-in':
    case 'ended':
      return (
        <Portal
          config={config}
          auth={auth}
          fetchImpl={deps.fetchImpl}
          createSocket={deps.createSocket}
          socketOptions={deps.socketOptions}
          timing={deps.timing}
        />
      );
  }
}
