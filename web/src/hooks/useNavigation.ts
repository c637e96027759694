// Moving between conversations and workspaces: from the list, the address (a link, Back and
// Forward) and a deletion. On a phone the list is a drawer over the chat, so picking from it
// closes it; starting afresh puts the focus in the message box.
import { useEffect } from 'react';
import type { BannersApi } from './useBanners';
import type { ChatApi } from './useChat';
import { useConversationUrl } from './useConversationUrl';
import type { TurnsApi } from './useTurns';
import type { WorkspaceApi } from './useWorkspace';

export interface NavigationDeps {
  chat: ChatApi;
  turns: TurnsApi;
  workspace: WorkspaceApi;
  banners: BannersApi;
  closeSidebar: () => void;
  focusComposer: () => void;
}

export interface Navigation {
  selectConversation: (id: string) => void;
  newChat: () => void;
  deleteConversation: (id: string) => Promise<void>;
  openWorkspace: (id: string | null) => void;
  createWorkspace: (title: string) => Promise<void>;
}

export function useNavigation({ chat, turns, workspace, banners, closeSidebar, focusComposer }: NavigationDeps): Navigation {
  const activeId = chat.state.activeId;
  const selectConversation = (id: string) => {
    closeSidebar();
    if (id === chat.activeId()) return;
    turns.pruneFinished();
    chat.open(id);
  };

  // Opened from a link or a search hit beyond the loaded pages: list it (title, owner,
  // read-only) once the first page is in; one the server does not know (or no longer shares)
  // closes (loading its messages already said so in a banner).
  const listLoaded = !chat.state.convLoading;
  const { ensureListed, open: openConversation, activeId: currentId } = chat;
  useEffect(() => {
    if (!listLoaded || !activeId) return;
    void ensureListed(activeId).then((ok) => {
      if (!ok && currentId() === activeId) openConversation(null);
    });
  }, [listLoaded, activeId, ensureListed, openConversation, currentId]);
  useConversationUrl(
    { conversation: activeId, workspace: workspace.activeId },
    {
      conversation: (id) => (id ? selectConversation(id) : chat.open(null)),
      workspace: (id) => workspace.open(id),
    },
  );

  return {
    selectConversation,
    newChat: () => {
      closeSidebar();
      turns.pruneFinished();
      chat.open(null);
      focusComposer();
    },
    deleteConversation: async (id) => {
      try {
        await chat.remove(id);
        turns.forget(id);
        if (chat.activeId() === null) focusComposer();
      } catch (e) {
        banners.pushError(e);
      }
    },
    openWorkspace: (id) => {
      closeSidebar(); // on a phone the drawer gives way to the workspace's sheet
      workspace.open(id);
    },
    createWorkspace: async (title) => {
      await workspace.create(title);
      closeSidebar();
    },
  };
}
