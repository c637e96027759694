// Pure helpers about turns, shared by the app and its tests.
import type { Message } from './types';

export interface TurnRef {
  turnId?: string | null;
  /** `message_id` from the 202 response (the user message, or a pre-allocated reply id). */
  messageId?: string | null;
  /** What the user sent (fallback when the id is not in the list). */
  content: string;
}

const FINAL = new Set(['completed', 'failed', 'stopped']);

/** A stored reply that is finished (by status when the server sends one, else by content). */
const isReply = (m: Message) =>
  m.role === 'assistant' && (m.status ? FINAL.has(m.status) : m.content.trim().length > 0);

/**
 * Has the assistant reply for this turn been stored? Used as a REST fallback when the
 * socket missed the `done` event (e.g. it happened while disconnected) or when there is
 * no socket at all.
 */
export function assistantReplyStored(items: Message[], ref: TurnRef): boolean {
  if (ref.turnId) {
    const reply = items.find((m) => m.role === 'assistant' && m.turn_id === ref.turnId);
    if (reply) return isReply(reply);
  }
  if (ref.messageId) {
    const idx = items.findIndex((m) => m.id === ref.messageId);
    if (idx >= 0) {
      const m = items[idx];
      if (m.role === 'assistant') return isReply(m);
      return items.slice(idx + 1).some(isReply);
    }
  }
  // Otherwise our message must be the last user message, followed by an assistant one.
  for (let i = items.length - 1; i >= 0; i--) {
    if (items[i].role === 'user') {
      return items[i].content.trim() === ref.content.trim() && items.slice(i + 1).some(isReply);
    }
  }
  return false;
}
