// The conversation list and the open conversation (its stored messages).
import { useCallback, useEffect } from 'react';
import { ApiError, type ApiClient } from '../api';
import { titleFrom } from '../format';
import { t } from '../messages';
import { chatReducer, EMPTY_CHAT, type ChatState } from '../state/chat';
import { useRefReducer } from '../state/useRefReducer';
import type { Conversation, Message } from '../types';

export interface ChatApi {
  state: ChatState;
  /** The open conversation right now (for callbacks that outlive a render). */
  activeId: () => string | null;
  refreshConversations: () => Promise<void>;
  /** Load the stored messages of a conversation; a late answer for another one is ignored. */
  loadMessages: (conversationId: string) => Promise<boolean>;
  replaceMessages: (conversationId: string, items: Message[]) => void;
  open: (id: string | null) => void;
  /** A new conversation (titled from the first message), opened. */
  create: (firstMessage: string, workspaceId: string | null) => Promise<Conversation>;
  remove: (id: string) => Promise<void>;
  /** A conversation announced by the server (a workspace member started it): listed, not opened. */
  added: (conversation: Conversation) => void;
  /** The next (older) page of the list. */
  loadMore: () => Promise<void>;
  rename: (id: string, title: string) => Promise<void>;
  /** Make sure an opened conversation (a link, a search hit past the loaded pages) is listed;
   * false when the server says it is not there (or not readable by this user). */
  ensureListed: (id: string) => Promise<boolean>;
}

export function useChat(api: ApiClient, pushError: (e: unknown) => void): ChatApi {
  const [state, dispatch, ref] = useRefReducer(chatReducer, EMPTY_CHAT);

  const refreshConversations = useCallback(async () => {
    try {
      const page = await api.conversationPage();
      dispatch({ type: 'conversations_loaded', items: page.items, next: page.next });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) pushError(e);
    } finally {
      dispatch({ type: 'conversations_settled' });
    }
  }, [api, pushError, dispatch]);

  const loadMessages = useCallback(
    async (conversationId: string): Promise<boolean> => {
      dispatch({ type: 'messages_requested' });
      const request = ref.current.msgRequest;
      try {
        const items = await api.listMessages(conversationId);
        dispatch({ type: 'messages_loaded', conversationId, request, items });
        return true;
      } catch (e) {
        // Another user's conversation is 404, never 403: not shared with this user (or no
        // longer: revoked, removed from its workspace) or deleted. Say that, not "not found".
        if (e instanceof ApiError && e.status === 404) pushError(new Error(t('convs.unavailable')));
        else if (!(e instanceof ApiError && e.status === 401)) pushError(e);
        return false;
      } finally {
        dispatch({ type: 'messages_settled', request });
      }
    },
    [api, pushError, dispatch, ref],
  );

  const open = useCallback(
    (id: string | null) => {
      if (id !== null && id === ref.current.activeId) return;
      dispatch({ type: 'opened', id });
      if (id) void loadMessages(id);
    },
    [dispatch, loadMessages, ref],
  );

  const create = useCallback(
    async (firstMessage: string, workspaceId: string | null) => {
      const conv = await api.createConversation({
        title: titleFrom(firstMessage),
        ...(workspaceId ? { workspace_id: workspaceId } : {}),
      });
      dispatch({ type: 'conversation_added', conversation: conv });
      dispatch({ type: 'opened', id: conv.id });
      return conv;
    },
    [api, dispatch],
  );

  const remove = useCallback(
    async (id: string) => {
      await api.deleteConversation(id);
      dispatch({ type: 'conversation_removed', id });
      if (ref.current.activeId === id) dispatch({ type: 'opened', id: null });
    },
    [api, dispatch, ref],
  );

  const replaceMessages = useCallback(
    (conversationId: string, items: Message[]) => dispatch({ type: 'messages_replaced', conversationId, items }),
    [dispatch],
  );

  useEffect(() => {
    void refreshConversations();
  }, [refreshConversations]);

  const added = useCallback(
    (conversation: Conversation) => dispatch({ type: 'conversation_added', conversation }),
    [dispatch],
  );

  const loadMore = useCallback(async () => {
    const after = ref.current.nextCursor;
    if (!after) return;
    try {
      const page = await api.conversationPage(after);
      dispatch({ type: 'conversations_appended', items: page.items, next: page.next });
    } catch (e) {
      pushError(e);
    }
  }, [api, pushError, dispatch, ref]);

  const rename = useCallback(
    async (id: string, title: string) => {
      dispatch({ type: 'conversation_updated', conversation: await api.renameConversation(id, title) });
    },
    [api, dispatch],
  );

  const ensureListed = useCallback(
    async (id: string) => {
      if (ref.current.conversations.some((c) => c.id === id)) return true;
      try {
        const found = await api.getConversation(id);
        dispatch({ type: 'conversation_updated', conversation: found });
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return false;
        if (!(e instanceof ApiError && e.status === 401)) pushError(e);
        return true;
      }
    },
    [api, pushError, dispatch, ref],
  );

  const activeId = useCallback(() => ref.current.activeId, [ref]);
  return {
    state,
    activeId,
    refreshConversations,
    loadMessages,
    replaceMessages,
    open,
    create,
    remove,
    added,
    loadMore,
    rename,
    ensureListed,
  };
}
