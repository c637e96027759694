import { describe, expect, it } from 'vitest';
import type { ArtifactSummary, Conversation, Message, Workspace } from '../types';
import { chatReducer, EMPTY_CHAT } from './chat';
import { pendingReducer, type PendingState } from './pending';
import { NO_WORKSPACE, workspaceReducer } from './workspace';

const msg = (id: string, content = 'hi'): Message => ({ id, role: 'user', content, created_at: '2026-01-01T00:00:00Z' });

describe('chatReducer', () => {
  it('ignores a message list that arrives after the user switched conversations', () => {
    let s = chatReducer(EMPTY_CHAT, { type: 'opened', id: 'a' });
    s = chatReducer(s, { type: 'messages_requested' });
    const late = s.msgRequest;
    s = chatReducer(s, { type: 'opened', id: 'b' });
    s = chatReducer(s, { type: 'messages_loaded', conversationId: 'a', request: late, items: [msg('m1')] });
    expect(s.messages).toEqual([]);
    expect(s.activeId).toBe('b');
  });

  it('keeps loading on while a newer request is in flight', () => {
    let s = chatReducer(EMPTY_CHAT, { type: 'opened', id: 'a' });
    s = chatReducer(s, { type: 'messages_requested' });
    const first = s.msgRequest;
    s = chatReducer(s, { type: 'messages_requested' });
    s = chatReducer(s, { type: 'messages_settled', request: first });
    expect(s.msgLoading).toBe(true);
  });

  it('puts an added conversation first, once', () => {
    const c = { id: 'c', title: 't' } as Conversation;
    let s = chatReducer({ ...EMPTY_CHAT, conversations: [c] }, { type: 'conversation_added', conversation: c });
    expect(s.conversations).toHaveLength(1);
    s = chatReducer(s, { type: 'conversation_removed', id: 'c' });
    expect(s.conversations).toEqual([]);
  });
});

describe('pendingReducer', () => {
  const started = pendingReducer({}, { type: 'started', conversationId: 'c', userMessage: msg('local-1') });

  it('an accepted POST names the turn; a late accept for an older message changes nothing', () => {
    const s = pendingReducer(started, { type: 'accepted', conversationId: 'c', localId: 'local-1', turnId: 't1', messageId: 'm1' });
    expect(s.c.turnId).toBe('t1');
    expect(pendingReducer(s, { type: 'accepted', conversationId: 'c', localId: 'local-0', turnId: 't0', messageId: null })).toBe(s);
  });

  it('finishing another turn of the same conversation keeps the newer one', () => {
    const s: PendingState = pendingReducer(started, { type: 'accepted', conversationId: 'c', localId: 'local-1', turnId: 't2', messageId: null });
    expect(pendingReducer(s, { type: 'finished', conversationId: 'c', turnId: 't1' })).toBe(s);
    expect(pendingReducer(s, { type: 'finished', conversationId: 'c', turnId: 't2' })).toEqual({});
  });

  it('prunes by a predicate and returns the same object when nothing goes', () => {
    const failed = pendingReducer(started, { type: 'failed', conversationId: 'c', error: 'x' });
    expect(pendingReducer(failed, { type: 'kept', keep: (p) => !p.error })).toEqual({});
    expect(pendingReducer(started, { type: 'kept', keep: () => true })).toBe(started);
  });
});

describe('workspaceReducer', () => {
  const ws = { id: 'w1', title: 'W' } as Workspace;

  it('applies artifact events of the open workspace only', () => {
    let s = workspaceReducer({ ...NO_WORKSPACE, workspaces: [ws] }, { type: 'opened', id: 'w1' });
    const a = { id: 'a1', workspace_id: 'w2', type: 'document', title: 'x', version: 2 } as ArtifactSummary;
    expect(workspaceReducer(s, { type: 'artifact_event', update: { artifact: a, by: null } })).toBe(s);
    s = workspaceReducer(s, { type: 'artifact_event', update: { artifact: { ...a, workspace_id: 'w1' }, by: 'B' } });
    expect(s.artifacts.map((x) => x.id)).toEqual(['a1']);
    expect(s.lastUpdate?.by).toBe('B');
  });

  it('removing the open workspace closes it', () => {
    let s = workspaceReducer({ ...NO_WORKSPACE, workspaces: [ws] }, { type: 'opened', id: 'w1' });
    s = workspaceReducer(s, { type: 'removed', id: 'w1' });
    expect(s.activeId).toBeNull();
    expect(s.workspaces).toEqual([]);
  });
});
