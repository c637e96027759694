import { describe, expect, it } from 'vitest';
import { assistantReplyStored } from './turns';
import type { Message } from './types';

const m = (id: string, role: Message['role'], content: string): Message => ({ id, role, content, created_at: '' });

describe('assistantReplyStored', () => {
  it('uses the 202 message_id when it is the user message', () => {
    expect(assistantReplyStored([m('u1', 'user', 'q')], { messageId: 'u1', content: 'q' })).toBe(false);
    expect(assistantReplyStored([m('u1', 'user', 'q'), m('a1', 'assistant', 'a')], { messageId: 'u1', content: 'q' })).toBe(true);
  });

  it('uses the 202 message_id when it is the reply', () => {
    expect(assistantReplyStored([m('u1', 'user', 'q'), m('a1', 'assistant', '')], { messageId: 'a1', content: 'q' })).toBe(false);
    expect(assistantReplyStored([m('u1', 'user', 'q'), m('a1', 'assistant', 'done')], { messageId: 'a1', content: 'q' })).toBe(true);
  });

  it('prefers the reply stored with the same turn_id and its status', () => {
    const reply = (status: string) => ({ ...m('a1', 'assistant', 'partial'), turn_id: 't1', status });
    const user = { ...m('u1', 'user', 'q'), turn_id: 't1' };
    expect(assistantReplyStored([user, reply('streaming')], { turnId: 't1', messageId: 'u1', content: 'q' })).toBe(false);
    expect(assistantReplyStored([user, reply('completed')], { turnId: 't1', messageId: 'u1', content: 'q' })).toBe(true);
    expect(assistantReplyStored([user, reply('failed')], { turnId: 't1', content: 'q' })).toBe(true);
  });

  it('falls back to the last user message content', () => {
    const older = [m('u0', 'user', 'q'), m('a0', 'assistant', 'old answer')];
    expect(assistantReplyStored([...older, m('u1', 'user', 'new q')], { content: 'new q' })).toBe(false);
    expect(assistantReplyStored([...older, m('u1', 'user', 'new q'), m('a1', 'assistant', 'x')], { messageId: 'zz', content: 'new q' })).toBe(true);
    expect(assistantReplyStored(older, { content: 'new q' })).toBe(false);
    // An empty placeholder reply does not count.
    expect(assistantReplyStored([m('u1', 'user', 'q'), m('a1', 'assistant', ' ')], { content: 'q' })).toBe(false);
  });
});
