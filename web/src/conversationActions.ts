// What the conversation list's row menu does: rename, share, export as Markdown, copy a link.
import type { ApiClient } from './api';
import type { ConversationActions } from './components/Sidebar';
import type { BannersApi } from './hooks/useBanners';
import type { ChatApi } from './hooks/useChat';
import { conversationLink } from './hooks/useConversationUrl';
import { t } from './messages';

/** Save text as a file through a temporary link (the only way a page starts a download). */
function download(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later, not at once: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function conversationActions(
  api: ApiClient,
  chat: ChatApi,
  banners: BannersApi,
  share: (id: string) => void,
): ConversationActions {
  return {
    onRename: async (id, title) => {
      try {
        await chat.rename(id, title);
        return true;
      } catch (e) {
        banners.pushError(e);
        return false;
      }
    },
    onShare: share,
    onExport: (id) => {
      void api.exportConversation(id).then(({ text, filename }) => {
        download(text, filename);
        banners.push('info', t('convs.exported', { name: filename }));
      }, banners.pushError);
    },
    onCopyLink: (id) => {
      const link = conversationLink(id);
      const done = () => banners.push('info', t('convs.linkCopied'));
      // Without the clipboard (an insecure origin, a refusal) the user copies it from a prompt.
      if (navigator.clipboard?.writeText) void navigator.clipboard.writeText(link).then(done, () => window.prompt(t('convs.copyLink'), link));
      else window.prompt(t('convs.copyLink'), link);
    },
  };
}
