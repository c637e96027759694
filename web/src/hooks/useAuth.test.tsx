import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeAuthClient, FakeSocket, fakeUser } from '../test/fakes';
import { PortalSocket } from '../ws';
import { useAuth, useSocketReauth, type Auth, type AuthEnv } from './useAuth';

const AUTH = { authority: 'http://test/oidc', clientId: 'portal-web', scope: 'openid profile email' };

let container: HTMLDivElement;
let root: Root;
let current: Auth;

function env(): AuthEnv {
  return {
    now: () => Date.now(),
    location: { href: 'http://localhost:3000/', origin: 'http://localhost:3000', pathname: '/', search: '', hash: '' },
    replaceUrl: () => {},
    navigate: () => {},
  };
}

function Harness({ client, socket, authEnv }: { client: FakeAuthClient; socket: PortalSocket | null; authEnv: AuthEnv }) {
  current = useAuth(AUTH, client, authEnv);
  useSocketReauth(socket, current.token);
  return null;
}

async function mount(client: FakeAuthClient, socket: PortalSocket | null = null) {
  const authEnv = env();
  await act(async () => root.render(<Harness client={client} socket={socket} authEnv={authEnv} />));
  await act(async () => {
    await vi.advanceTimersByTimeAsync(0);
  });
}

const advance = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
  container = document.createElement('div');
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  vi.useRealTimers();
});

describe('useAuth', () => {
  it('renews a 20 s token at 15 s; the open socket is re-authenticated with the new ID token', async () => {
    // Given a signed-in user with a 20 s token and a socket connected with it
    const nowS = Date.now() / 1000;
    const client = new FakeAuthClient(fakeUser('A', { nowS, ttlS: 20 }));
    client.renewals.push(fakeUser('B', { nowS: nowS + 15, ttlS: 20 }));
    const socket = new PortalSocket({ url: 'ws://test/ws?token=A', createSocket: (u) => new FakeSocket(u), pingIntervalMs: 0 });
    socket.connect();
    FakeSocket.latest().open();
    await mount(client, socket);
    expect(current.token).toBe('A');

    // When 15 s pass
    await advance(14_900);
    expect(client.calls).not.toContain('signinSilent');
    await advance(200);

    // Then the token is B and the socket was told
    expect(current.token).toBe('B');
    expect(FakeSocket.latest().actions('auth')).toEqual([{ action: 'auth', token: 'B' }]);
    expect(current.getToken()).toBe('B');
  });

  it('asks the identity provider once however many callers need a fresh token', async () => {
    const nowS = Date.now() / 1000;
    const client = new FakeAuthClient(fakeUser('A', { nowS: nowS - 16, ttlS: 20 }));
    client.renewals.push(fakeUser('B'));
    const authEnv = env();
    await act(async () => root.render(<Harness client={client} socket={null} authEnv={authEnv} />));
    // The renewal timer, the socket's reconnect and an API retry all want a token at once.
    const tokens = await act(async () => Promise.all([current.freshToken(), current.freshToken(), current.freshToken()]));
    expect(tokens).toEqual(['B', 'B', 'B']);
    expect(client.calls.filter((c) => c === 'signinSilent')).toHaveLength(1);
  });

  it('retries a renewal that failed on the network and keeps the session', async () => {
    const nowS = Date.now() / 1000;
    const client = new FakeAuthClient(fakeUser('A', { nowS, ttlS: 60 }));
    client.renewals.push(new TypeError('Failed to fetch'), fakeUser('B', { ttlS: 60 }));
    await mount(client);
    await advance(45_000); // renewal due at 45 s: fails
    expect(current.state.status).toBe('signed-in');
    expect(current.token).toBe('A');
    await advance(5000); // retried
    expect(current.token).toBe('B');
    expect(current.state.status).toBe('signed-in');
  });

  it('ends the session when the token expires without a renewal', async () => {
    const nowS = Date.now() / 1000;
    const client = new FakeAuthClient(fakeUser('A', { nowS, ttlS: 20 }));
    client.renewals.push(new TypeError('Failed to fetch'), new TypeError('Failed to fetch'), new TypeError('Failed to fetch'));
    await mount(client);
    await advance(20_000);
    expect(current.state).toMatchObject({ status: 'ended', reason: 'expired' });
    expect(current.token).toBeNull();
  });

  it('signing out while a renewal is in flight: the renewal lands first, then the user is removed for good', async () => {
    // Given a renewal the identity provider has not answered yet
    const nowS = Date.now() / 1000;
    const client = new FakeAuthClient(fakeUser('A', { nowS: nowS - 16, ttlS: 20 }));
    let answer: (u: ReturnType<typeof fakeUser>) => void = () => {};
    client.renewals.push(new Promise((resolve) => (answer = resolve)));
    await mount(client);
    expect(client.calls).toContain('signinSilent');

    // When the user signs out and only then the renewal answers
    let done = false;
    await act(async () => {
      void current.signOut().then(() => (done = true));
    });
    expect(client.calls).not.toContain('signoutRedirect');
    await act(async () => answer(fakeUser('B')));
    await advance(0);

    // Then the sign-out went ahead after it, nothing revived the session, and no user is stored
    expect(done).toBe(true);
    expect(client.calls.indexOf('signoutRedirect')).toBeGreaterThan(client.calls.indexOf('signinSilent'));
    expect(current.state.status).toBe('signing-out');
    expect(client.user).toBeNull();
    await expect(current.freshToken()).rejects.toThrow();
  });

  it('redirects with the return path when nobody is signed in', async () => {
    const client = new FakeAuthClient(null);
    await mount(client);
    expect(current.state.status).toBe('redirecting');
    expect(client.redirects).toEqual([{ state: { returnTo: '/' } }]);
  });
});
