// Pure state of the chat: the conversation list, the open conversation and its messages.
import type { Conversation, Message } from '../types';

export interface ChatState {
  conversations: Conversation[];
  convLoading: boolean;
  activeId: string | null;
  messages: Message[];
  msgLoading: boolean;
  /** Bumped by every message load (and every switch), so a late response is ignored. */
  msgRequest: number;
}

export const EMPTY_CHAT: ChatState = {
  conversations: [],
  convLoading: true,
  activeId: null,
  messages: [],
  msgLoading: false,
  msgRequest: 0,
};

export type ChatAction =
  | { type: 'conversations_loaded'; items: Conversation[] }
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
      return { ...s, conversations: a.items };
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
