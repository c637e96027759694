// Where the connection's news goes: each server event to the hook it concerns, and the
// notices about the connection itself to the banners. The connection outlives these hooks'
// renders, so it reads its handlers from refs set here on every render (never a stale hook).
import { retryingMessage } from '../api';
import { errorText, t } from '../messages';
import type { Conversation, ServerEvent } from '../types';
import type { BannersApi } from './useBanners';
import { isBudgetRefusal, isBudgetWarning, type BudgetApi } from './useBudget';
import type { Connection } from './useConnection';
import type { TurnNotices } from './useTurns';
import type { PortalParts } from './portalParts';
import type { WorkspaceApi } from './useWorkspace';

/** What a turn's failures show: most are banners, two belong to another hook's state. */
export function turnNotices(banners: BannersApi, budget: BudgetApi, workspace: WorkspaceApi): TurnNotices {
  return {
    error: (m) => banners.push('error', m),
    realtime: (m) => banners.push('error', m, undefined, 'realtime'),
    // The budget's hard stop is a state the budget notice shows (and clears), not a one-off error.
    pushError: (e) => (isBudgetRefusal(e) ? budget.refused(e) : banners.pushError(e)),
    // Not a member (or deleted): closed with the same notice as an address that names it.
    joinRefused: (m, code, workspaceId) =>
      code === 'not_found' && workspaceId
        ? workspace.refused(workspaceId)
        : banners.push('error', t('error.join_refused', { reason: errorText(code, 0, m) || t('error.realtime') })),
  };
}

export interface Routed extends PortalParts {
  refreshAgents: () => Promise<void>;
}

export function useSocketRouting(conn: Connection, { banners, chat, turns, files, workspace, budget, refreshAgents }: Routed): void {
  conn.onRetry.current = () => banners.push('info', retryingMessage(), undefined, 'connectivity');
  // The server answered: notices that it could not be reached (or was waking up) are stale.
  conn.onAnswered.current = () => banners.clear('connectivity');

  // A workspace member started a conversation: it joins the list live. Joining or leaving a
  // workspace changes which conversations are listed, so the list is re-read.
  const onConversationEvent = (ev: ServerEvent): boolean => {
    const e = ev as unknown as { type: string; conversation?: Conversation; workspace_id?: unknown };
    if (e.type === 'conversation.created' && e.conversation && typeof e.conversation.id === 'string') {
      chat.added(e.conversation);
      banners.push(
        'info',
        t('conv.sharedNew', {
          owner: e.conversation.owner_name ?? e.conversation.owner_empno ?? '',
          workspace: e.conversation.workspace_title ?? '',
        }),
      );
      return true;
    }
    if (e.type === 'agents.access') {
      // An administrator granted or revoked an agent: the composer's list follows at once.
      void refreshAgents();
      banners.push('info', t('admin.accessChanged'));
      return true;
    }
    if (e.type === 'workspace.membership') {
      // Removed from its workspace: the open shared conversation is no longer readable.
      const open = chat.state.conversations.find((c) => c.id === chat.activeId());
      if ((e as { role?: unknown }).role == null && open?.shared && open.workspace_id === e.workspace_id) {
        chat.open(null);
      }
      void chat.refreshConversations();
    }
    return false;
  };

  conn.handlers.current = {
    onStatus: (st, s) => {
      // A new connection is in no workspace: (re)join the open one; the live connection and
      // the server are back, so notices that said otherwise go.
      if (st === 'open') {
        workspace.rejoin();
        banners.clear('realtime');
        banners.clear('connectivity');
      }
      turns.onStatus(st, s);
    },
    onTurn: (st) => turns.onActivity(st.turnId),
    onEvent: (ev) => {
      // A Canvas turn outside a workspace creates the personal "내 캔버스": list it at once.
      if (ev.type === 'done' && ev.agent === 'canvas') void workspace.refresh();
      // A finished turn spent money: the budget's state may have changed either way.
      if (ev.type === 'done' || ev.type === 'error') budget.refresh();
      if (isBudgetWarning(ev)) {
        budget.warned(ev);
        return;
      }
      if (onConversationEvent(ev)) return;
      if (turns.onEvent(ev)) return;
      // file.status, presence, user_joined/left, artifact.updated
      files.onEvent(ev);
      workspace.onEvent(ev);
    },
  };
}
