// Pure state of the chat: the conversation list, the open conversation and its messages.
import type { Conversation, Message } from '../types';

export interface ChatState {
  conversations: Conversation[];
  /** Where the next page of the list starts (null: everything is loaded). */
  nextCursor: string | null;
  convLoading: boolean;
  activeId: string | null;
  messages: Message[];
  msgLoading: boolean;
  /** Bumped by every message load (and every switch), so a late response is ignored. */
  msgRequest: number;
}

export const EMPTY_CHAT: ChatState = {
  conversations: [],
  nextCursor: null,
  convLoading: true,
  activeId: null,
  messages: [],
  msgLoading: false,
  msgRequest: 0,
};

export type ChatAction =
  | { type: 'conversations_loaded'; items: Conversation[]; next?: string | null }
  /** An older page of the list: appended, rows already listed (moved up meanwhile) kept once. */
  | { type: 'conversations_appended'; items: Conversation[]; next: string | null }
  /** A conversation changed (renamed) or was fetched by id (opened from a link): replaced or added. */
  | { type: 'conversation_updated'; conversation: Conversation }
  | { type: 'conversations_settled' }
  | { type: 'conversation_added'; conversation: Conversation }
  | { type: 'conversation_removed'; id: string }
  /** Open a conversation (or none: a new chat) with an empty list until its messages load. */
  | { type: 'opened'; id: string | null }
  | { type: 'messages_requested' }
  | { type: 'messages_loaded'; conversationId: string; request: number; items: Message[] }
  | { type: 'messages_settled'; request: number }
  /** The stored list fetched outside a load (the turn fallback): replaces whatever is in flight. */
  | { type: 'messages_replaced'; conversationId: string; items: Message[] };

export function chatReducer(s: ChatState, a: ChatAction): ChatState {
  switch (a.type) {
    case 'conversations_loaded':
      return { ...s, conversations: a.items, nextCursor: a.next ?? null };
    case 'conversations_appended': {
      const known = new Set(s.conversations.map((c) => c.id));
      return { ...s, conversations: [...s.conversations, ...a.items.filter((c) => !known.has(c.id))], nextCursor: a.next };
    }
    case 'conversation_updated':
      return s.conversations.some((c) => c.id === a.conversation.id)
        ? { ...s, conversations: s.conversations.map((c) => (c.id === a.conversation.id ? { ...c, ...a.conversation } : c)) }
        : { ...s, conversations: [...s.conversations, a.conversation] };
    case 'conversations_settled':
      return s.convLoading ? { ...s, convLoading: false } : s;
    case 'conversation_added':
      return { ...s, conversations: [a.conversation, ...s.conversations.filter((c) => c.id !== a.conversation.id)] };
    case 'conversation_removed':
      return { ...s, conversations: s.conversations.filter((c) => c.id !== a.id) };
    case 'opened':
      return { ...s, activeId: a.id, messages: [], msgLoading: false, msgRequest: s.msgRequest + 1 };
    case 'messages_requested':
      return { ...s, msgLoading: true, msgRequest: s.msgRequest + 1 };
    case 'messages_loaded':
      if (a.request !== s.msgRequest || a.conversationId !== s.activeId) return s;
      return { ...s, messages: a.items };
    case 'messages_settled':
      return a.request === s.msgRequest && s.msgLoading ? { ...s, msgLoading: false } : s;
    case 'messages_replaced':
      if (a.conversationId !== s.activeId) return s;
      return { ...s, messages: a.items, msgLoading: false, msgRequest: s.msgRequest + 1 };
  }
}
