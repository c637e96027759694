// Pure state of the turns this tab started: one per conversation, from the optimistic user
// message until the stored reply replaces the streaming view.
import type { Message } from '../types';

export interface PendingTurn {
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

export type PendingState = Record<string, PendingTurn>;

export type PendingAction =
  | { type: 'started'; conversationId: string; userMessage: Message }
  | { type: 'accepted'; conversationId: string; localId: string; turnId: string; messageId: string | null }
  | { type: 'refused'; conversationId: string; localId: string }
  /** Finished: only the turn named (a newer turn in the same conversation stays). */
  | { type: 'finished'; conversationId: string; turnId: string | null }
  | { type: 'failed'; conversationId: string; error: string }
  | { type: 'persisted'; conversationId: string }
  | { type: 'forgotten'; conversationId: string }
  | { type: 'kept'; keep: (p: PendingTurn) => boolean };

function without(all: PendingState, id: string): PendingState {
  if (!all[id]) return all;
  const next = { ...all };
  delete next[id];
  return next;
}

export function pendingReducer(all: PendingState, a: PendingAction): PendingState {
  const cur = all[a.type === 'kept' ? '' : a.conversationId];
  switch (a.type) {
    case 'started':
      return {
        ...all,
        [a.conversationId]: {
          conversationId: a.conversationId,
          turnId: null,
          messageId: null,
          userMessage: a.userMessage,
          persisted: false,
        },
      };
    case 'accepted':
      if (cur?.userMessage.id !== a.localId) return all;
      return { ...all, [a.conversationId]: { ...cur, turnId: a.turnId, messageId: a.messageId } };
    case 'refused':
      return cur?.userMessage.id === a.localId ? without(all, a.conversationId) : all;
    case 'finished':
      return cur && cur.turnId === a.turnId ? without(all, a.conversationId) : all;
    case 'failed':
      return cur ? { ...all, [a.conversationId]: { ...cur, error: a.error } } : all;
    case 'persisted':
      return cur ? { ...all, [a.conversationId]: { ...cur, persisted: true } } : all;
    case 'forgotten':
      return without(all, a.conversationId);
    case 'kept': {
      const next: PendingState = {};
      for (const [k, p] of Object.entries(all)) if (a.keep(p)) next[k] = p;
      return Object.keys(next).length === Object.keys(all).length ? all : next;
    }
  }
}

export function pendingOfTurn(all: PendingState, turnId: string): PendingTurn | undefined {
  return Object.values(all).find((p) => p.turnId === turnId);
}
