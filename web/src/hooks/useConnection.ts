// The API client and the WebSocket of a signed-in session, and the socket's lifecycle
// (connect, reconnect when the tab wakes or the network returns, close on sign-out).
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiClient, type FetchLike } from '../api';
import type { ConnectionStatus, RuntimeConfig, ServerEvent } from '../types';
import { buildWsUrl, PortalSocket, type PortalSocketOptions, type SocketFactory, type TurnState } from '../ws';
import { useSocketReauth, type Auth } from './useAuth';

export interface SocketHandlers {
  onStatus: (status: ConnectionStatus, socket: PortalSocket) => void;
  onTurn: (turn: TurnState) => void;
  onEvent: (ev: ServerEvent) => void;
}

export interface ConnectionDeps {
  fetchImpl?: FetchLike;
  createSocket?: SocketFactory;
  socketOptions?: Partial<Omit<PortalSocketOptions, 'url' | 'createSocket'>>;
}

export interface Connection {
  api: ApiClient;
  socket: PortalSocket | null;
  /** 'disabled' without a socket (no wsUrl). */
  status: ConnectionStatus | 'disabled';
  /** Set by the app after its hooks exist: where socket news goes. */
  handlers: { current: SocketHandlers };
  /** Set by the app: what to show while the client waits for the database. */
  onRetry: { current: () => void };
  /** Set by the app: the server answered a request (connectivity notices can go). */
  onAnswered: { current: () => void };
}

const NO_HANDLERS: SocketHandlers = { onStatus: () => {}, onTurn: () => {}, onEvent: () => {} };

export function useConnection(config: RuntimeConfig, auth: Auth, deps: ConnectionDeps): Connection {
  const { getToken, freshToken, renewNow, sessionRejected } = auth;
  const { fetchImpl, createSocket, socketOptions } = deps;
  const onRetry = useRef<() => void>(() => {});
  const onAnswered = useRef<() => void>(() => {});
  const handlers = useRef<SocketHandlers>(NO_HANDLERS);
  const api = useMemo(
    () =>
      new ApiClient({
        apiBase: config.apiBase,
        getToken,
        fetchImpl,
        renewToken: renewNow,
        onUnauthorized: () => sessionRejected(null),
        onRetry: () => onRetry.current(),
        onAnswered: () => onAnswered.current(),
      }),
    [config.apiBase, getToken, fetchImpl, renewNow, sessionRejected],
  );
  // Every (re)connect takes a fresh token; an open socket is re-authenticated on refresh.
  const socket = useMemo(
    () =>
      config.wsUrl
        ? new PortalSocket({
            url: async () => buildWsUrl(config.wsUrl, await freshToken()),
            createSocket,
            ...socketOptions,
          })
        : null,
    [config.wsUrl, freshToken, createSocket, socketOptions],
  );
  useSocketReauth(socket, auth.token);
  const sessionEnded = auth.state.status === 'ended';
  useEffect(() => {
    if (sessionEnded) socket?.close();
  }, [sessionEnded, socket]);

  const [status, setStatus] = useState<ConnectionStatus>(socket?.status ?? 'idle');
  useEffect(() => {
    if (!socket) return;
    const offs = [
      socket.onStatus((st) => {
        setStatus(st);
        handlers.current.onStatus(st, socket);
      }),
      socket.onTurn((st) => handlers.current.onTurn(st)),
      socket.onEvent((ev) => handlers.current.onEvent(ev)),
    ];
    socket.connect();
    setStatus(socket.status);
    const wake = () => socket.reconnectNow();
    const onVisible = () => {
      if (document.visibilityState === 'visible') wake();
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      offs.forEach((off) => off());
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', onVisible);
      socket.close();
    };
  }, [socket]);

  return { api, socket, status: socket ? status : 'disabled', handlers, onRetry, onAnswered };
}
