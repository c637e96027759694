// App shell: runtime config -> sign-in (OIDC, the same in every target) -> portal.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient, ApiError, RETRYING_MESSAGE, loadConfig, type FetchLike } from './api';
import { createAuthClient, type AuthClient } from './auth/oidc';
import { titleFrom, AGENT_LABELS } from './format';
import { t } from './messages';
import { assistantReplyStored } from './turns';
import type {
  AgentType,
  AuthConfig,
  ConnectionStatus,
  Conversation,
  Me,
  Message,
  ModelsResponse,
  PostMessageRequest,
  RuntimeConfig,
  ServerEvent,
} from './types';
import { buildWsUrl, PortalSocket, type PortalSocketOptions, type SocketFactory } from './ws';
import { Banners, type BannerItem } from './components/Banners';
import { ChatPane, type PendingView } from './components/ChatPane';
import { Composer, type ComposerSettings } from './components/Composer';
import { ConnectionBadge } from './components/ConnectionBadge';
import { SessionEndedBanner } from './components/SessionEndedBanner';
import { Sidebar } from './components/Sidebar';
import { Icon } from './components/Icon';
import { FilesPanel } from './components/FilesPanel';
import { WorkspaceList } from './components/WorkspaceList';
import { WorkspacePanel } from './components/WorkspacePanel';
import { browserAuthEnv, useAuth, useSocketReauth, type Auth, type AuthEnv } from './hooks/useAuth';
import { useConversationUrl } from './hooks/useConversationUrl';
import { useFiles } from './hooks/useFiles';
import { useWorkspace } from './hooks/useWorkspace';

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

/** REST fallbacks for turns whose `done` the socket may have missed. */
interface Timing {
  /** After a reconnect (and its `resume`), check stored messages of in-flight turns. */
  reconcileAfterReconnectMs: number;
  /** A turn with no socket activity for this long is checked over REST. */
  staleTurnMs: number;
  /** Same, for a turn whose socket reconnected mid-turn (its `done` may never arrive). */
  staleOrphanedTurnMs: number;
  /** How often to look for stale turns. */
  watchdogMs: number;
  /** Without a WebSocket (no wsUrl): poll interval for the reply. */
  pollWithoutSocketMs: number;
}

const DEFAULT_TIMING: Timing = {
  reconcileAfterReconnectMs: 2000,
  staleTurnMs: 45_000,
  staleOrphanedTurnMs: 3000,
  watchdogMs: 2000,
  pollWithoutSocketMs: 2000,
};

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

// ---------------------------------------------------------------------------

interface PendingTurn {
  conversationId: string;
  /** null until the POST returned 202. */
  turnId: string | null;
  userMessage: Message;
  /** `message_id` from the 202 response. */
  messageId: string | null;
  /** The stored message list already contains the user's message. */
  persisted: boolean;
  error?: string;
}

interface PortalProps {
  config: RuntimeConfig;
  auth: Auth;
  fetchImpl?: FetchLike;
  createSocket?: SocketFactory;
  socketOptions?: AppDeps['socketOptions'];
  timing?: Partial<Timing>;
}

/** Socket `error` codes about the client's own frames, not about the user's request. */
const PROTOCOL_ERRORS = new Set(['unknown_action', 'invalid_frame', 'malformed_json', 'frame_too_large']);

function errorMessage(e: unknown): { message: string; correlationId?: string } {
  if (e instanceof ApiError) return { message: e.message, correlationId: e.correlationId };
  if (e instanceof Error) return { message: e.message };
  return { message: String(e) };
}

function Portal({ config, auth, fetchImpl, createSocket, socketOptions, timing: timingOverrides }: PortalProps) {
  const timing = { ...DEFAULT_TIMING, ...timingOverrides };
  const { getToken, freshToken, renewNow, sessionRejected } = auth;
  const sessionEnded = auth.state.status === 'ended';
  // Set once the banners exist: the client tells the user while it waits for the database.
  const retryNotice = useRef<() => void>(() => {});
  const api = useMemo(
    () =>
      new ApiClient({
        apiBase: config.apiBase,
        getToken,
        fetchImpl,
        renewToken: renewNow,
        onUnauthorized: () => sessionRejected(null),
        onRetry: () => retryNotice.current(),
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
  useEffect(() => {
    if (sessionEnded) socket?.close();
  }, [sessionEnded, socket]);

  const [banners, setBanners] = useState<BannerItem[]>([]);
  const bannerSeq = useRef(0);
  const [me, setMe] = useState<Me | null>(null);
  const [models, setModels] = useState<ModelsResponse | null>(null);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [convLoading, setConvLoading] = useState(true);
  const [activeId, setActiveIdState] = useState<string | null>(null);
  const activeIdRef = useRef<string | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [msgLoading, setMsgLoading] = useState(false);
  const msgRequest = useRef(0);
  const [pending, setPendingState] = useState<Record<string, PendingTurn>>({});
  const pendingRef = useRef<Record<string, PendingTurn>>({});
  const [, setTurnTick] = useState(0);
  /** turn_id -> last time the socket said something about it. */
  const turnActivity = useRef<Record<string, number>>({});
  const [conn, setConn] = useState<ConnectionStatus>(socket?.status ?? 'idle');
  const [settings, setSettings] = useState<ComposerSettings>({ agent: null, toggle: null, model: null });
  const [focusNonce, setFocusNonce] = useState(0);
  const [sidebarOpen, setSidebarOpen] = useState(false);

  const pushBanner = useCallback((kind: BannerItem['kind'], message: string, correlationId?: string) => {
    const id = ++bannerSeq.current;
    setBanners((bs) => [...bs.filter((b) => b.message !== message), { id, kind, message, correlationId }].slice(-4));
  }, []);
  retryNotice.current = () => pushBanner('info', RETRYING_MESSAGE);
  const pushError = useCallback(
    (e: unknown) => {
      const { message, correlationId } = errorMessage(e);
      pushBanner('error', message, correlationId);
    },
    [pushBanner],
  );
  const workspace = useWorkspace(api, socket, pushError);
  const files = useFiles(api, pushError, workspace.active?.id ?? null);
  const [showFiles, setShowFiles] = useState(false);
  const rejoinRef = useRef(workspace.rejoin);
  rejoinRef.current = workspace.rejoin;
  const dismissBanner = useCallback((id: number) => setBanners((bs) => bs.filter((b) => b.id !== id)), []);

  const setActiveId = (id: string | null) => {
    activeIdRef.current = id;
    setActiveIdState(id);
  };

  const updatePending = useCallback((fn: (p: Record<string, PendingTurn>) => Record<string, PendingTurn>) => {
    pendingRef.current = fn(pendingRef.current);
    setPendingState(pendingRef.current);
  }, []);

  const refreshConversations = useCallback(async () => {
    try {
      setConversations(await api.listConversations());
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) pushError(e);
    } finally {
      setConvLoading(false);
    }
  }, [api, pushError]);

  /** Load the stored messages of a conversation; ignores stale responses. */
  const loadMessages = useCallback(
    async (convId: string): Promise<boolean> => {
      const req = ++msgRequest.current;
      setMsgLoading(true);
      try {
        const items = await api.listMessages(convId);
        if (req === msgRequest.current && activeIdRef.current === convId) setMessages(items);
        return true;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) pushError(e);
        return false;
      } finally {
        if (req === msgRequest.current) setMsgLoading(false);
      }
    },
    [api, pushError],
  );

  const removePending = useCallback(
    (convId: string, turnId: string | null) => {
      updatePending((all) => {
        if (!all[convId] || all[convId].turnId !== turnId) return all;
        const next = { ...all };
        delete next[convId];
        return next;
      });
      if (turnId) {
        socket?.forgetTurn(turnId);
        delete turnActivity.current[turnId];
      }
    },
    [socket, updatePending],
  );

  /** REST fallback: if the reply for an in-flight turn is already stored, finish the turn. */
  const checkStored = useCallback(
    async (convId: string, turnId: string) => {
      const p = pendingRef.current[convId];
      if (!p || p.turnId !== turnId || p.error) return;
      let items: Message[];
      try {
        items = await api.listMessages(convId);
      } catch {
        return; // transient: the next check retries
      }
      const cur = pendingRef.current[convId];
      if (!cur || cur.turnId !== turnId || cur.error) return;
      if (!assistantReplyStored(items, { turnId, messageId: cur.messageId, content: cur.userMessage.content })) return;
      if (activeIdRef.current === convId) {
        msgRequest.current++;
        setMessages(items);
        setMsgLoading(false);
      }
      removePending(convId, turnId);
      void refreshConversations();
    },
    [api, refreshConversations, removePending],
  );

  /** `done`: fetch the stored assistant message (with metadata) and drop the streaming view. */
  const finalizeTurn = useCallback(
    async (turnId: string) => {
      const p = Object.values(pendingRef.current).find((x) => x.turnId === turnId);
      if (!p) return;
      const convId = p.conversationId;
      const ok = activeIdRef.current === convId ? await loadMessages(convId) : true;
      if (ok) removePending(convId, turnId);
      void refreshConversations();
    },
    [loadMessages, refreshConversations, removePending],
  );

  const failTurn = useCallback(
    async (turnId: string, message: string) => {
      const p = Object.values(pendingRef.current).find((x) => x.turnId === turnId);
      if (!p) return;
      const convId = p.conversationId;
      updatePending((all) => (all[convId] ? { ...all, [convId]: { ...all[convId], error: message } } : all));
      if (activeIdRef.current === convId && (await loadMessages(convId))) {
        updatePending((all) => (all[convId] ? { ...all, [convId]: { ...all[convId], persisted: true } } : all));
      }
    },
    [loadMessages, updatePending],
  );

  /** In-flight turns (POST accepted, not finished). */
  const inFlightTurns = (): Array<{ convId: string; turnId: string }> =>
    Object.values(pendingRef.current)
      .filter((p) => p.turnId && !p.error && !socket?.turns.get(p.turnId)?.done)
      .map((p) => ({ convId: p.conversationId, turnId: p.turnId! }));
  const inFlightRef = useRef(inFlightTurns);
  inFlightRef.current = inFlightTurns;
  const checkStoredRef = useRef(checkStored);
  checkStoredRef.current = checkStored;

  // Latest event handler, called from the socket subscription below.
  const onEventRef = useRef<(ev: ServerEvent) => void>(() => {});
  onEventRef.current = (ev: ServerEvent) => {
    switch (ev.type) {
      case 'done':
        void finalizeTurn(ev.turn_id);
        break;
      case 'error': {
        if (ev.action) {
          // The server refused one of our frames. A refused `resume` (expired or unknown
          // turn) says nothing about the turn's outcome: the stored messages do.
          if (ev.action === 'resume' && ev.turn_id) {
            const p = Object.values(pendingRef.current).find((x) => x.turnId === ev.turn_id);
            if (p && ev.code !== 'too_many_resumes') void checkStored(p.conversationId, ev.turn_id);
          } else if (ev.action === 'join') {
            pushBanner('error', `워크스페이스에 참여할 수 없습니다. (${ev.message})`);
          } else {
            console.warn('websocket action refused', ev.action, ev.code, ev.message);
          }
        } else if (ev.turn_id) {
          pushBanner('error', ev.message || '응답 생성 중 오류가 발생했습니다.');
          void failTurn(ev.turn_id, ev.message);
        } else if (PROTOCOL_ERRORS.has(ev.code)) {
          // A frame this client sent was refused (e.g. an older server without `resume`):
          // nothing the user can act on.
          console.warn('websocket action refused', ev.code, ev.message);
        } else {
          pushBanner('error', ev.message || '실시간 처리 중 오류가 발생했습니다.');
        }
        break;
      }
      case 'message.created': {
        const cid = typeof ev.conversation_id === 'string' ? ev.conversation_id : null;
        if (cid && cid === activeIdRef.current && !pendingRef.current[cid]) void loadMessages(cid);
        break;
      }
      default:
        // file.status, presence, user_joined/left, artifact.updated
        files.onEvent(ev);
        workspace.onEvent(ev);
        break;
    }
  };

  // Socket lifecycle.
  useEffect(() => {
    if (!socket) return;
    let reconcileTimer: ReturnType<typeof setTimeout> | undefined;
    const offs = [
      socket.onStatus((st) => {
        setConn(st);
        // A new connection is in no workspace: (re)join the open one.
        if (st === 'open') rejoinRef.current();
        // After a reconnect the `resume` replays missed chunks; if `done` itself was missed,
        // the stored messages tell us the turn is over.
        if (st === 'open' && socket.generation > 1) {
          clearTimeout(reconcileTimer);
          reconcileTimer = setTimeout(() => {
            for (const t of inFlightRef.current()) void checkStoredRef.current(t.convId, t.turnId);
          }, timing.reconcileAfterReconnectMs);
        }
      }),
      socket.onTurn((st) => {
        turnActivity.current[st.turnId] = Date.now();
        setTurnTick((t) => t + 1);
      }),
      socket.onEvent((ev) => onEventRef.current(ev)),
    ];
    socket.connect();
    setConn(socket.status);
    const wake = () => socket.reconnectNow();
    const onVisible = () => {
      if (document.visibilityState === 'visible') wake();
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(reconcileTimer);
      offs.forEach((off) => off());
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', onVisible);
      socket.close();
    };
    // `timing` is read once per socket on purpose.
  }, [socket]);

  // Watchdog: a turn that went quiet (or any turn, without a socket) is checked over REST.
  useEffect(() => {
    const every = socket ? timing.watchdogMs : timing.pollWithoutSocketMs;
    const id = setInterval(() => {
      const now = Date.now();
      for (const t of inFlightRef.current()) {
        const last = turnActivity.current[t.turnId] ?? 0;
        const staleMs = !socket ? 0 : socket.isOrphaned(t.turnId) ? timing.staleOrphanedTurnMs : timing.staleTurnMs;
        if (now - last >= staleMs) {
          turnActivity.current[t.turnId] = now;
          void checkStoredRef.current(t.convId, t.turnId);
        }
      }
    }, every);
    return () => clearInterval(id);
    // `timing` is read once per socket on purpose.
  }, [socket]);

  // Initial data.
  useEffect(() => {
    api.me().then(setMe, (e) => {
      if (!(e instanceof ApiError && e.status === 401)) pushError(e);
    });
    api.models().then(
      (m) => {
        setModels(m && m.models.length > 0 ? m : null);
      },
      (e) => {
        setModels(null);
        if (!(e instanceof ApiError && e.status === 401)) pushError(e);
      },
    );
    void refreshConversations();
  }, [api, pushError, refreshConversations]);

  const dropFinishedPending = () =>
    updatePending((all) => {
      const next: Record<string, PendingTurn> = {};
      for (const [k, p] of Object.entries(all)) if (isInFlight(p)) next[k] = p;
      return next;
    });

  const selectConversation = (id: string) => {
    setSidebarOpen(false);
    if (id === activeIdRef.current) return;
    dropFinishedPending();
    setActiveId(id);
    setMessages([]);
    void loadMessages(id);
  };

  useConversationUrl(activeId, selectConversation);

  const newChat = () => {
    setSidebarOpen(false);
    dropFinishedPending();
    msgRequest.current++;
    setActiveId(null);
    setMessages([]);
    setMsgLoading(false);
    setFocusNonce((n) => n + 1);
  };

  const deleteConversation = async (id: string) => {
    try {
      await api.deleteConversation(id);
      setConversations((cs) => cs.filter((c) => c.id !== id));
      updatePending((all) => {
        if (!all[id]) return all;
        const next = { ...all };
        delete next[id];
        return next;
      });
      if (activeIdRef.current === id) newChat();
    } catch (e) {
      pushError(e);
    }
  };

  /** A turn that is still being sent or streamed (not finished, not failed). */
  const isInFlight = (p: PendingTurn | undefined): boolean => {
    if (!p || p.error) return false;
    return !(p.turnId && socket?.turns.get(p.turnId)?.done);
  };

  const activePending = activeId ? pending[activeId] : undefined;
  const activeTurn = activePending?.turnId ? socket?.turns.get(activePending.turnId) : undefined;
  const busy = isInFlight(activePending);

  const send = async (text: string): Promise<boolean> => {
    const content = text.trim();
    if (!content) return false;
    let convId = activeIdRef.current;
    if (convId && isInFlight(pendingRef.current[convId])) return false;
    if (!convId) {
      try {
        const wsId = workspace.active?.id;
        const conv = await api.createConversation({
          title: titleFrom(content),
          ...(wsId ? { workspace_id: wsId } : {}),
        });
        setConversations((cs) => [conv, ...cs.filter((c) => c.id !== conv.id)]);
        convId = conv.id;
        msgRequest.current++;
        setActiveId(conv.id);
        setMessages([]);
        setMsgLoading(false);
      } catch (e) {
        pushError(e);
        return false;
      }
    }
    const conversationId = convId;
    const userMessage: Message = {
      id: `local-${Date.now()}`,
      role: 'user',
      content,
      created_at: new Date().toISOString(),
    };
    const sinceGeneration = socket?.generation;
    updatePending((all) => ({
      ...all,
      [conversationId]: { conversationId, turnId: null, messageId: null, userMessage, persisted: false },
    }));

    const body: PostMessageRequest = { content };
    if (settings.agent) body.agent = settings.agent;
    if (settings.model) body.model = settings.model;
    if (settings.toggle) body.toggle = settings.toggle;
    // Attached files go as ids; the supervisor looks them up and routes to the files agent.
    const attached = files.attachments;
    if (attached.length > 0) body.attachments = [...attached];
    try {
      const res = await api.postMessage(conversationId, body);
      updatePending((all) =>
        all[conversationId]?.userMessage.id === userMessage.id
          ? { ...all, [conversationId]: { ...all[conversationId], turnId: res.turn_id, messageId: res.message_id ?? null } }
          : all,
      );
      turnActivity.current[res.turn_id] = Date.now();
      if (attached.length > 0) files.clearAttachments();
      if (socket) {
        const st = socket.trackTurn(res.turn_id, sinceGeneration);
        // The socket may have delivered the whole turn before the POST returned.
        if (st.error) void failTurn(res.turn_id, st.error.message);
        else if (st.done) void finalizeTurn(res.turn_id);
      }
      return true;
    } catch (e) {
      updatePending((all) => {
        if (all[conversationId]?.userMessage.id !== userMessage.id) return all;
        const next = { ...all };
        delete next[conversationId];
        return next;
      });
      pushError(e);
      return false;
    }
  };

  const applyAgent = (agent: AgentType) => {
    setSettings((s) => ({ ...s, agent }));
    pushBanner('info', `에이전트를 ${AGENT_LABELS[agent]}(으)로 설정했습니다.`);
    setFocusNonce((n) => n + 1);
  };

  const pendingView: PendingView | null = activePending
    ? {
        userMessage: activePending.persisted ? null : activePending.userMessage,
        text: activeTurn?.text ?? '',
        done: !!activeTurn?.done || !!activePending.error,
        error: activePending.error ?? activeTurn?.error?.message ?? null,
      }
    : null;

  const streamingIds = new Set(
    Object.values(pending)
      .filter(isInFlight)
      .map((p) => p.conversationId),
  );
  const activeConv = conversations.find((c) => c.id === activeId);

  return (
    <div className={['layout', sidebarOpen && 'sidebar-open', (showFiles || workspace.active) && 'with-panels'].filter(Boolean).join(' ')}>
      <Sidebar
        conversations={conversations}
        activeId={activeId}
        loading={convLoading}
        me={me}
        streamingIds={streamingIds}
        onSelect={selectConversation}
        onNew={newChat}
        onDelete={(id) => void deleteConversation(id)}
        onLogout={() => void auth.signOut()}
      >
        <WorkspaceList
          workspaces={workspace.workspaces}
          activeId={workspace.active?.id ?? null}
          loading={workspace.loading}
          onOpen={workspace.open}
          onCreate={workspace.create}
        />
      </Sidebar>
      <div className="scrim" onClick={() => setSidebarOpen(false)} aria-hidden="true" />
      <main className="main">
        <header className="topbar">
          <button
            type="button"
            className="btn ghost menu-btn"
            aria-label="대화 목록 열기"
            onClick={() => setSidebarOpen((o) => !o)}
          >
            <Icon name="menu" size={20} />
          </button>
          <h1 className="topbar-title">{activeConv?.title || (activeId ? '대화' : '새 대화')}</h1>
          <button
            type="button"
            className={showFiles ? 'btn small on' : 'btn small'}
            aria-pressed={showFiles}
            onClick={() => setShowFiles((v) => !v)}
          >
            <Icon name="file" size={14} /> 내 파일
          </button>
          <ConnectionBadge status={socket ? conn : 'disabled'} />
        </header>
        {sessionEnded && <SessionEndedBanner onSignIn={auth.signIn} />}
        <Banners items={banners} onDismiss={dismissBanner} />
        <ChatPane
          messages={messages}
          loading={msgLoading}
          pending={pendingView}
          models={models?.models}
          onUseAgent={applyAgent}
          userName={me?.name}
        />
        <div className="composer-wrap">
          <Composer
            settings={settings}
            onSettings={setSettings}
            models={models}
            onSend={send}
            busy={busy}
            focusNonce={focusNonce}
            attachments={files.attachments.map((id) => ({
              id,
              name: files.items.find((f) => f.file.id === id)?.file.name ?? id,
            }))}
            onDetach={files.toggleAttach}
            onUpload={(f) => {
              setShowFiles(true);
              void files.upload(f);
            }}
          />
          <p className="disclaimer muted">AI 응답은 부정확할 수 있습니다. 중요한 내용은 확인해 주세요.</p>
        </div>
      </main>
      {(showFiles || workspace.active) && (
        <div className="side-panels">
          {workspace.active && (
            <WorkspacePanel
              key={workspace.active.id}
              api={api}
              workspace={workspace.active}
              presence={workspace.presence}
              artifacts={workspace.artifacts}
              lastUpdate={workspace.lastUpdate}
              onCreateArtifact={workspace.createArtifact}
              onClose={() => workspace.open(null)}
              pushError={pushError}
            />
          )}
          {showFiles && (
            <FilesPanel
              items={files.items}
              attachments={files.attachments}
              onUpload={(f) => void files.upload(f)}
              onToggleAttach={files.toggleAttach}
              onDelete={(id) => void files.remove(id)}
              onClose={() => setShowFiles(false)}
            />
          )}
        </div>
      )}
    </div>
  );
}
