// The composer's choices and what its sends and a message's controls (regenerate, edit,
// branches, rating) do: the rules a message passes before a turn starts, and the branch the
// conversation shows while a regenerated or edited turn streams.
import { useReducer } from 'react';
import type { ApiClient } from '../api';
import type { ComposerSettings } from '../components/Composer';
import type { TurnControls } from '../components/TurnActions';
import { AGENT_LABELS } from '../format';
import { t } from '../messages';
import { composerReducer, NEW_COMPOSER } from '../state/composer';
import type { AgentAccessInfo, AgentType, PostMessageRequest, PostMessageResponse } from '../types';
import type { PortalParts } from './portalParts';

export interface ComposerDeps extends PortalParts {
  api: ApiClient;
  agents: AgentAccessInfo[];
}

export interface ComposerApi {
  settings: ComposerSettings;
  setSettings: (settings: ComposerSettings) => void;
  /** Changes on every request to put the focus back in the message box. */
  focusNonce: number;
  focus: () => void;
  applyAgent: (agent: AgentType) => void;
  /** Send the composer's text with its choices and attachments; false leaves the text in place. */
  send: (text: string) => Promise<boolean>;
  controls: TurnControls;
}

export function useComposer({ api, banners, chat, turns, files, workspace, budget, agents }: ComposerDeps): ComposerApi {
  const [{ settings, focusNonce }, dispatch] = useReducer(composerReducer, NEW_COMPOSER);
  const activeId = chat.state.activeId;

  const send = async (text: string): Promise<boolean> => {
    const content = text.trim();
    if (!content) return false;
    // Another member's conversation is read here; the server refuses writes into it.
    const current = chat.state.conversations.find((c) => c.id === chat.activeId());
    if (current?.shared) {
      banners.push('info', t('conv.readOnly', { owner: current.owner_name ?? current.owner_empno ?? '' }));
      return false;
    }
    // A locked agent is refused here, before a conversation is created for the message.
    const locked = settings.agent ? agents.find((a) => a.agent === settings.agent && !a.usable) : undefined;
    if (locked && settings.agent) {
      const name = AGENT_LABELS[settings.agent];
      const why =
        locked.reason === 'no_permission'
          ? t('error.agent_locked', { agent: name })
          : locked.reason === 'disabled_by_admin'
            ? t('error.agent_disabled')
            : t('error.feature_disabled');
      banners.push('error', why);
      return false;
    }
    let conversationId = chat.activeId();
    if (conversationId && turns.inFlight(conversationId)) return false;
    let created = false;
    if (!conversationId) {
      try {
        conversationId = (await chat.create(content, workspace.active?.id ?? null)).id;
        created = true;
      } catch (e) {
        banners.pushError(e);
        return false;
      }
    }
    const body: PostMessageRequest = { content };
    if (settings.agent) body.agent = settings.agent;
    if (settings.model) body.model = settings.model;
    if (settings.toggle) body.toggle = settings.toggle;
    // Attached files go as ids; the supervisor looks them up and routes to the files agent.
    const attached = files.attachments;
    if (attached.length > 0) body.attachments = [...attached];
    const ok = await turns.send(conversationId, body);
    if (ok) budget.refresh(); // accepted: a refusal shown before no longer holds
    if (ok && attached.length > 0) files.clearAttachments();
    // The server refused the first message (e.g. a grant revoked meanwhile): leave no empty
    // conversation behind.
    if (!ok && created) void chat.remove(conversationId).catch(() => {});
    return ok;
  };

  /** Regenerate or edit: the shown branch ends before that turn, and the new turn streams after it. */
  const branchFrom = async (turnId: string, content: string, post: (cid: string) => Promise<PostMessageResponse>): Promise<boolean> => {
    const conversationId = chat.activeId();
    if (!conversationId || turns.inFlight(conversationId)) return false;
    const shown = chat.state.messages;
    const at = shown.findIndex((m) => m.role === 'user' && m.turn_id === turnId);
    if (at < 0) return false;
    chat.replaceMessages(conversationId, shown.slice(0, at));
    const ok = await turns.send(conversationId, { content }, () => post(conversationId));
    if (!ok) void chat.loadMessages(conversationId); // refused: show the branch as it was
    return ok;
  };

  const controls: TurnControls = {
    enabled: !turns.busy && !chat.state.conversations.find((c) => c.id === activeId)?.shared,
    regenerate: (turnId, model) => {
      const question = chat.state.messages.find((m) => m.role === 'user' && m.turn_id === turnId);
      if (question) void branchFrom(turnId, question.content, (cid) => api.regenerate(cid, turnId, model));
    },
    edit: (turnId, content) => branchFrom(turnId, content.trim(), (cid) => api.editTurn(cid, turnId, content)),
    showBranch: (turnId) => {
      const conversationId = chat.activeId();
      if (!conversationId) return;
      api.showBranch(conversationId, turnId).then(() => chat.loadMessages(conversationId), banners.pushError);
    },
    rate: async (messageId, rating, comment) => {
      try {
        return await api.rateMessage(messageId, rating, comment);
      } catch (e) {
        banners.pushError(e);
        return null;
      }
    },
  };

  return {
    settings,
    setSettings: (s) => dispatch({ type: 'settings_changed', settings: s }),
    focusNonce,
    focus: () => dispatch({ type: 'focus_requested' }),
    applyAgent: (agent) => {
      dispatch({ type: 'agent_applied', agent });
      banners.push('info', t('chat.agentSet', { agent: AGENT_LABELS[agent] }));
    },
    send,
    controls,
  };
}
