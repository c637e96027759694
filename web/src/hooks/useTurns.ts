// The turns this tab started: sending, the streaming view, and the REST fallbacks for a
// `done` the socket may have missed (after a reconnect, a quiet turn, or no socket at all).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api';
import type { PendingView } from '../components/ChatPane';
import { pendingOfTurn, pendingReducer, type PendingTurn } from '../state/pending';
import { useRefReducer } from '../state/useRefReducer';
import { assistantReplyStored } from '../turns';
import type { ConnectionStatus, Message, PostMessageRequest, PostMessageResponse, ServerEvent } from '../types';
import { ApiError } from '../api';
import type { PortalSocket } from '../ws';
import { errorText, t } from '../messages';
import type { ChatApi } from './useChat';

export interface Timing {
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

export const DEFAULT_TIMING: Timing = {
  reconcileAfterReconnectMs: 2000,
  staleTurnMs: 45_000,
  staleOrphanedTurnMs: 3000,
  watchdogMs: 2000,
  pollWithoutSocketMs: 2000,
};

/** Socket `error` codes about the client's own frames, not about the user's request. */
const PROTOCOL_ERRORS = new Set(['unknown_action', 'invalid_frame', 'malformed_json', 'frame_too_large']);

export interface TurnNotices {
  error: (message: string) => void;
  /** A problem of the live connection itself (cleared when it reconnects). */
  realtime?: (message: string) => void;
  pushError: (e: unknown) => void;
  /** A workspace `join` the server refused (the workspace's business, not a turn's). */
  joinRefused: (message: string, code: string, workspaceId?: string) => void;
}

export interface TurnsApi {
  /** Conversations with a turn being sent or streamed. */
  streamingIds: Set<string>;
  /** The streaming view of the open conversation. */
  view: PendingView | null;
  busy: boolean;
  /** Start a turn: a new message, or (with `post`) a regenerated or edited one. */
  send: (conversationId: string, body: PostMessageRequest, post?: () => Promise<PostMessageResponse>) => Promise<boolean>;
  /** Stop the conversation's running turn (what was streamed is kept). */
  stop: (conversationId: string) => Promise<void>;
  /** Is this conversation's turn still in flight (right now, outside a render)? */
  inFlight: (conversationId: string) => boolean;
  /** Drop finished and failed turns (when the user leaves their conversation). */
  pruneFinished: () => void;
  forget: (conversationId: string) => void;
  onStatus: (status: ConnectionStatus, socket: PortalSocket) => void;
  onActivity: (turnId: string) => void;
  /** Handles the turn's events; false for events that are someone else's. */
  onEvent: (ev: ServerEvent) => boolean;
}

export function useTurns(
  api: ApiClient,
  socket: PortalSocket | null,
  chat: ChatApi,
  notices: TurnNotices,
  timingOverrides?: Partial<Timing>,
): TurnsApi {
  const [pending, dispatch, ref] = useRefReducer(pendingReducer, {});
  const [, setTick] = useState(0);
  /** turn_id -> last time the socket said something about it. */
  const activity = useRef<Record<string, number>>({});
  // Read once per socket on purpose (the tests pass fake timings at mount).
  const timing = useRef({ ...DEFAULT_TIMING, ...timingOverrides }).current;
  const { loadMessages, replaceMessages, refreshConversations, activeId } = chat;

  const isInFlight = useCallback(
    (p: PendingTurn | undefined): boolean => {
      if (!p || p.error) return false;
      return !(p.turnId && socket?.turns.get(p.turnId)?.done);
    },
    [socket],
  );

  const finish = useCallback(
    (conversationId: string, turnId: string | null) => {
      dispatch({ type: 'finished', conversationId, turnId });
      if (turnId) {
        socket?.forgetTurn(turnId);
        delete activity.current[turnId];
      }
    },
    [socket, dispatch],
  );

  /** REST fallback: if the reply for an in-flight turn is already stored, finish the turn. */
  const checkStored = useCallback(
    async (conversationId: string, turnId: string) => {
      const live = () => {
        const p = ref.current[conversationId];
        return p && p.turnId === turnId && !p.error ? p : null;
      };
      if (!live()) return;
      let items: Message[];
      try {
        items = await api.listMessages(conversationId);
      } catch {
        return; // transient: the next check retries
      }
      const cur = live();
      if (!cur) return;
      if (!assistantReplyStored(items, { turnId, messageId: cur.messageId, content: cur.userMessage.content })) return;
      replaceMessages(conversationId, items);
      finish(conversationId, turnId);
      void refreshConversations();
    },
    [api, ref, replaceMessages, finish, refreshConversations],
  );

  /** `done`: fetch the stored assistant message (with metadata) and drop the streaming view. */
  const finalize = useCallback(
    async (turnId: string) => {
      const p = pendingOfTurn(ref.current, turnId);
      if (!p) return;
      const ok = activeId() === p.conversationId ? await loadMessages(p.conversationId) : true;
      if (ok) finish(p.conversationId, turnId);
      void refreshConversations();
    },
    [ref, activeId, loadMessages, finish, refreshConversations],
  );

  const fail = useCallback(
    async (turnId: string, message: string) => {
      const p = pendingOfTurn(ref.current, turnId);
      if (!p) return;
      const conversationId = p.conversationId;
      dispatch({ type: 'failed', conversationId, error: message });
      if (activeId() === conversationId && (await loadMessages(conversationId))) {
        dispatch({ type: 'persisted', conversationId });
      }
    },
    [ref, dispatch, activeId, loadMessages],
  );

  const inFlightTurns = useCallback(
    (): Array<{ conversationId: string; turnId: string }> =>
      Object.values(ref.current)
        .filter((p) => p.turnId && isInFlight(p))
        .map((p) => ({ conversationId: p.conversationId, turnId: p.turnId! })),
    [ref, isInFlight],
  );

  // After a reconnect the `resume` replays missed chunks; if `done` itself was missed, the
  // stored messages tell us the turn is over.
  const reconcileTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(reconcileTimer.current), []);
  const onStatus = useCallback(
    (status: ConnectionStatus, s: PortalSocket) => {
      if (status !== 'open' || s.generation <= 1) return;
      clearTimeout(reconcileTimer.current);
      reconcileTimer.current = setTimeout(() => {
        for (const t of inFlightTurns()) void checkStored(t.conversationId, t.turnId);
      }, timing.reconcileAfterReconnectMs);
    },
    [inFlightTurns, checkStored, timing],
  );

  const onActivity = useCallback((turnId: string) => {
    activity.current[turnId] = Date.now();
    setTick((t) => t + 1);
  }, []);

  // Watchdog: a turn that went quiet (or any turn, without a socket) is checked over REST.
  const watch = useRef({ inFlightTurns, checkStored });
  watch.current = { inFlightTurns, checkStored };
  useEffect(() => {
    const every = socket ? timing.watchdogMs : timing.pollWithoutSocketMs;
    const id = setInterval(() => {
      const now = Date.now();
      for (const t of watch.current.inFlightTurns()) {
        const last = activity.current[t.turnId] ?? 0;
        const staleMs = !socket ? 0 : socket.isOrphaned(t.turnId) ? timing.staleOrphanedTurnMs : timing.staleTurnMs;
        if (now - last >= staleMs) {
          activity.current[t.turnId] = now;
          void watch.current.checkStored(t.conversationId, t.turnId);
        }
      }
    }, every);
    return () => clearInterval(id);
  }, [socket, timing]);

  const onEvent = (ev: ServerEvent): boolean => {
    switch (ev.type) {
      case 'done':
        void finalize(ev.turn_id);
        return true;
      case 'error':
        if (ev.action) {
          // The server refused one of our frames. A refused `resume` (expired or unknown
          // turn) says nothing about the turn's outcome: the stored messages do.
          if (ev.action === 'resume' && ev.turn_id) {
            const p = pendingOfTurn(ref.current, ev.turn_id);
            if (p && ev.code !== 'too_many_resumes') void checkStored(p.conversationId, ev.turn_id);
          } else if (ev.action === 'join') {
            notices.joinRefused(ev.message, ev.code, ev.workspace_id);
          } else {
            console.warn('websocket action refused', ev.action, ev.code, ev.message);
          }
        } else if (ev.turn_id) {
          const text = errorText(ev.code ?? '', 0, ev.message ?? '') || t('error.turn');
          notices.error(text);
          void fail(ev.turn_id, text);
        } else if (PROTOCOL_ERRORS.has(ev.code)) {
          // A frame this client sent was refused (e.g. an older server without `resume`):
          // nothing the user can act on.
          console.warn('websocket action refused', ev.code, ev.message);
        } else {
          (notices.realtime ?? notices.error)(errorText(ev.code ?? '', 0, ev.message ?? '') || t('error.realtime'));
        }
        return true;
      case 'message.created': {
        const cid = typeof ev.conversation_id === 'string' ? ev.conversation_id : null;
        if (cid && cid === activeId() && !ref.current[cid]) void loadMessages(cid);
        return true;
      }
      default:
        return false;
    }
  };

  const stop = async (conversationId: string): Promise<void> => {
    const p = ref.current[conversationId];
    if (!p?.turnId || !isInFlight(p)) return;
    const turnId = p.turnId;
    try {
      await api.stopTurn(conversationId, turnId);
    } catch (e) {
      // Ended meanwhile (answered, failed): its own closing event says how; nothing to report.
      if (!(e instanceof ApiError && e.code === 'turn_already_ended')) {
        notices.pushError(e);
        return;
      }
    }
    // The socket's `done` (status "stopped") finishes it too; this covers a socket that missed it.
    void finalize(turnId);
  };

  const send = async (
    conversationId: string,
    body: PostMessageRequest,
    post?: () => Promise<PostMessageResponse>,
  ): Promise<boolean> => {
    if (isInFlight(ref.current[conversationId])) return false;
    const userMessage: Message = {
      id: `local-${Date.now()}`,
      role: 'user',
      content: body.content,
      created_at: new Date().toISOString(),
    };
    const sinceGeneration = socket?.generation;
    dispatch({ type: 'started', conversationId, userMessage });
    try {
      const res = await (post ? post() : api.postMessage(conversationId, body));
      dispatch({
        type: 'accepted',
        conversationId,
        localId: userMessage.id,
        turnId: res.turn_id,
        messageId: res.message_id ?? null,
      });
      activity.current[res.turn_id] = Date.now();
      if (socket) {
        const st = socket.trackTurn(res.turn_id, sinceGeneration);
        // The socket may have delivered the whole turn before the POST returned.
        if (st.error) void fail(res.turn_id, errorText(st.error.code ?? '', 0, st.error.message) || t('error.turn'));
        else if (st.done) void finalize(res.turn_id);
      }
      return true;
    } catch (e) {
      dispatch({ type: 'refused', conversationId, localId: userMessage.id });
      notices.pushError(e);
      return false;
    }
  };

  const active = chat.state.activeId ? pending[chat.state.activeId] : undefined;
  const activeTurn = active?.turnId ? socket?.turns.get(active.turnId) : undefined;
  const view: PendingView | null = active
    ? {
        userMessage: active.persisted ? null : active.userMessage,
        text: activeTurn?.text ?? '',
        done: !!activeTurn?.done || !!active.error,
        error: active.error ?? activeTurn?.error?.message ?? null,
      }
    : null;

  return {
    streamingIds: new Set(Object.values(pending).filter(isInFlight).map((p) => p.conversationId)),
    view,
    busy: isInFlight(active),
    send,
    stop,
    inFlight: (id) => isInFlight(ref.current[id]),
    pruneFinished: () => dispatch({ type: 'kept', keep: isInFlight }),
    forget: (conversationId) => dispatch({ type: 'forgotten', conversationId }),
    onStatus,
    onActivity,
    onEvent,
  };
}
