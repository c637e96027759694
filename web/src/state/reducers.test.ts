import { describe, expect, it } from 'vitest';
import type { AgentAccessInfo, ArtifactSummary, Conversation, Me, Message, ModelInfo, ModelsResponse, Workspace } from '../types';
import { chatReducer, EMPTY_CHAT } from './chat';
import { composerReducer, NEW_COMPOSER } from './composer';
import { CLOSED_LAYOUT, layoutClass, layoutReducer } from './layout';
import { pendingReducer, type PendingState } from './pending';
import { NO_DATA, portalDataReducer } from './portalData';
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

describe('layoutReducer', () => {
  it('opening the files panel, a dialog or the drawer leaves the others as they were', () => {
    let s = layoutReducer(CLOSED_LAYOUT, { type: 'sidebar_toggled' });
    s = layoutReducer(s, { type: 'files_toggled' });
    s = layoutReducer(s, { type: 'settings_opened' });
    s = layoutReducer(s, { type: 'sharing_opened', id: 'c1' });
    expect(s).toEqual({ ...CLOSED_LAYOUT, sidebarOpen: true, showFiles: true, showSettings: true, sharingId: 'c1' });
    s = layoutReducer(s, { type: 'sidebar_closed' });
    expect(s).toEqual({ ...CLOSED_LAYOUT, showFiles: true, showSettings: true, sharingId: 'c1' });
  });

  it('an upload opens the files panel and never toggles it shut', () => {
    const open = layoutReducer(CLOSED_LAYOUT, { type: 'files_opened' });
    expect(open.showFiles).toBe(true);
    expect(layoutReducer(open, { type: 'files_opened' })).toBe(open);
    expect(layoutReducer(open, { type: 'files_toggled' }).showFiles).toBe(false);
  });

  it('closing what is already closed returns the same state (no render)', () => {
    for (const type of ['sidebar_closed', 'files_closed', 'settings_closed', 'templates_closed', 'sharing_closed'] as const) {
      expect(layoutReducer(CLOSED_LAYOUT, { type })).toBe(CLOSED_LAYOUT);
    }
  });

  it('the wide canvas applies only while a workspace is open, and the choice outlives it', () => {
    const wide = layoutReducer(CLOSED_LAYOUT, { type: 'canvas_width_toggled' });
    expect(layoutClass(wide, false)).toBe('layout');
    expect(layoutClass(wide, true)).toBe('layout with-panels canvas-wide');
    expect(layoutClass({ ...wide, showFiles: true }, false)).toBe('layout with-panels');
    expect(layoutClass({ ...CLOSED_LAYOUT, sidebarOpen: true }, true)).toBe('layout sidebar-open with-panels');
  });
});

describe('composerReducer', () => {
  it('applying an agent keeps the other choices and asks for the focus', () => {
    let s = composerReducer(NEW_COMPOSER, { type: 'settings_changed', settings: { agent: null, toggle: 'web_search', model: 'm1' } });
    s = composerReducer(s, { type: 'agent_applied', agent: 'general' });
    expect(s.settings).toEqual({ agent: 'general', toggle: 'web_search', model: 'm1' });
    expect(s.focusNonce).toBe(NEW_COMPOSER.focusNonce + 1);
    expect(composerReducer(s, { type: 'focus_requested' }).focusNonce).toBe(s.focusNonce + 1);
  });
});

describe('portalDataReducer', () => {
  const models = (n: number): ModelsResponse => ({ models: Array.from({ length: n }, (_, i) => ({ key: `m${i}` }) as ModelInfo), default: null });

  it('an empty model list is no list (no empty picker)', () => {
    expect(portalDataReducer(NO_DATA, { type: 'models_loaded', models: models(0) }).models).toBeNull();
    expect(portalDataReducer(NO_DATA, { type: 'models_loaded', models: null }).models).toBeNull();
    const loaded = portalDataReducer(NO_DATA, { type: 'models_loaded', models: models(2) });
    expect(loaded.models?.models).toHaveLength(2);
    expect(portalDataReducer(loaded, { type: 'models_failed' }).models).toBeNull();
    expect(portalDataReducer(NO_DATA, { type: 'models_failed' })).toBe(NO_DATA);
  });

  it('keeps each value apart', () => {
    const me = { empno: 'E1', name: 'A', company_code: null, roles: [], is_admin: false } as Me;
    const agents = [{ agent: 'general', usable: true } as AgentAccessInfo];
    let s = portalDataReducer(NO_DATA, { type: 'me_loaded', me });
    s = portalDataReducer(s, { type: 'agents_loaded', agents });
    expect(s).toEqual({ me, models: null, agents });
  });
});
