// The chat column's header: the list's menu (phones), the open conversation's title, and the
// ways out to files, the admin console and settings, with the live connection's state.
import { t } from '../messages';
import type { ConnectionStatus, Conversation } from '../types';
import { ConnectionBadge } from './ConnectionBadge';
import { Icon } from './Icon';

interface Props {
  conversation: Conversation | undefined;
  /** Open but not listed yet (a link being resolved): titled as a conversation, not a new chat. */
  activeId: string | null;
  filesOpen: boolean;
  isAdmin: boolean;
  status: ConnectionStatus | 'disabled';
  onToggleSidebar: () => void;
  onToggleFiles: () => void;
  onOpenAdmin: () => void;
  onOpenSettings: () => void;
}

export function TopBar({ conversation, activeId, filesOpen, isAdmin, status, onToggleSidebar, onToggleFiles, onOpenAdmin, onOpenSettings }: Props) {
  return (
    <header className="topbar">
      <button type="button" className="btn ghost menu-btn" aria-label={t('chat.openList')} onClick={onToggleSidebar}>
        <Icon name="menu" size={20} />
      </button>
      <h1 className="topbar-title">{conversation?.title || (activeId ? t('chat.conversation') : t('chat.newChat'))}</h1>
      <button type="button" className={filesOpen ? 'btn small on' : 'btn small'} aria-pressed={filesOpen} onClick={onToggleFiles}>
        <Icon name="file" size={14} /> {t('chat.myFiles')}
      </button>
      {isAdmin && (
        <a
          className="btn small admin-link"
          href="/admin"
          onClick={(e) => {
            // A link (it can open in a new tab), followed in place without reloading the app.
            e.preventDefault();
            onOpenAdmin();
          }}
        >
          {t('admin.open')}
        </a>
      )}
      <button
        type="button"
        className="btn small settings-btn"
        aria-label={t('settings.open')}
        title={t('settings.open')}
        onClick={onOpenSettings}
      >
        <Icon name="gear" size={14} />
      </button>
      <ConnectionBadge status={status} />
    </header>
  );
}
