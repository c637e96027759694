// Conversation list: new chat, search (highlighted hits), the "대화" heading over date groups,
// older pages on demand, and per conversation rename, menu (share, export, link) and delete
// (with an inline second-click confirmation).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Conversation, Me, SearchHit } from '../types';
import { groupConversations } from '../convGroups';
import { formatRelative } from '../format';
import { t } from '../messages';
import type { ConversationSearch } from '../hooks/useConversationSearch';
import { Icon } from './Icon';

export interface ConversationActions {
  onRename: (id: string, title: string) => Promise<boolean>;
  onShare: (id: string) => void;
  onExport: (id: string) => void;
  onCopyLink: (id: string) => void;
}

interface Props {
  conversations: Conversation[];
  activeId: string | null;
  loading: boolean;
  me: Me | null;
  streamingIds: ReadonlySet<string>;
  onSelect: (id: string) => void;
  onNew: () => void;
  onDelete: (id: string) => void;
  onLogout: () => void;
  /** Older conversations exist beyond the loaded pages. */
  hasMore?: boolean;
  onLoadMore?: () => Promise<void>;
  search?: ConversationSearch;
  actions?: ConversationActions;
  /** Extra sections (workspaces) shown above the conversation list. */
  children?: ReactNode;
}

function sharedLabel(c: Conversation): string {
  const owner = c.owner_name ?? c.owner_empno ?? '';
  return c.workspace_title ? t('conv.sharedBy', { workspace: c.workspace_title, owner }) : t('convs.sharedWithMe', { owner });
}

function HitView({ hit, onOpen }: { hit: SearchHit; onOpen: () => void }) {
  const where = hit.message_id === null ? t('convs.hitTitle') : hit.role === 'assistant' ? t('convs.hitAssistant') : t('convs.hitUser');
  return (
    <li className="hit">
      <button type="button" className="hit-open" onClick={onOpen}>
        <span className="hit-title">{hit.conversation_title || t('chat.newChat')}</span>
        <span className="hit-where">
          {where} · {formatRelative(hit.created_at)}
        </span>
        <span className="hit-snippet">
          {hit.parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
        </span>
      </button>
    </li>
  );
}

function RenameForm({ initial, onDone }: { initial: string; onDone: (title: string | null) => void }) {
  const [value, setValue] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <form
      className="conv-rename"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(value.trim() ? value : null);
      }}
    >
      <input
        ref={input}
        value={value}
        maxLength={200}
        aria-label={t('convs.renameLabel')}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone(null);
        }}
      />
      <button type="submit" className="btn small primary">
        {t('convs.renameSave')}
      </button>
      <button type="button" className="btn small ghost" onClick={() => onDone(null)}>
        {t('convs.renameCancel')}
      </button>
    </form>
  );
}

export function Sidebar({
  conversations,
  activeId,
  loading,
  me,
  streamingIds,
  onSelect,
  onNew,
  onDelete,
  onLogout,
  hasMore,
  onLoadMore,
  search,
  actions,
  children,
}: Props) {
  const [confirmId, setConfirmId] = useState<string | null>(null);
  const [menuId, setMenuId] = useState<string | null>(null);
  const [renamingId, setRenamingId] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    if (!confirmId) return;
    const timer = setTimeout(() => setConfirmId(null), 4000);
    return () => clearTimeout(timer);
  }, [confirmId]);

  useEffect(() => {
    if (!menuId) return;
    const close = (e: MouseEvent) => {
      if (!(e.target instanceof Element) || !e.target.closest('.conv-menu')) setMenuId(null);
    };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, [menuId]);

  const groups = groupConversations(conversations);
  const searching = !!search && search.query.trim() !== '';

  const menuItem = (label: string, run: () => void) => (
    <button
      type="button"
      role="menuitem"
      onClick={() => {
        setMenuId(null);
        run();
      }}
    >
      {label}
    </button>
  );

  const row = (c: Conversation) => {
    const active = c.id === activeId;
    const confirming = confirmId === c.id;
    if (renamingId === c.id && actions) {
      return (
        <li key={c.id} className="conv renaming">
          <RenameForm
            initial={c.title ?? ''}
            onDone={(title) => {
              if (title === null || title.trim() === (c.title ?? '')) {
                setRenamingId(null);
                return;
              }
              void actions.onRename(c.id, title).then((ok) => {
                if (ok) setRenamingId(null);
              });
            }}
          />
        </li>
      );
    }
    return (
      <li key={c.id} className={active ? 'conv active' : 'conv'}>
        <button
          type="button"
          className="conv-open"
          aria-current={active ? 'true' : undefined}
          onClick={() => onSelect(c.id)}
          title={c.title || t('chat.newChat')}
        >
          <span className="conv-title">
            {streamingIds.has(c.id) && <span className="conv-live" aria-label={t('convs.streaming')} />}
            {c.title || t('chat.newChat')}
          </span>
          {c.shared && <span className="conv-shared">{sharedLabel(c)}</span>}
          <span className="conv-time">{formatRelative(c.updated_at || c.created_at)}</span>
        </button>
        {actions && (
          <div className="conv-menu">
            <button
              type="button"
              className="conv-more"
              aria-label={t('convs.actions')}
              aria-haspopup="menu"
              aria-expanded={menuId === c.id}
              title={t('convs.actions')}
              onClick={() => setMenuId((m) => (m === c.id ? null : c.id))}
            >
              <Icon name="more" size={16} />
            </button>
            {menuId === c.id && (
              <div className="conv-menu-list" role="menu">
                {!c.shared && menuItem(t('convs.rename'), () => setRenamingId(c.id))}
                {!c.shared && menuItem(t('convs.share'), () => actions.onShare(c.id))}
                {menuItem(t('convs.export'), () => actions.onExport(c.id))}
                {menuItem(t('convs.copyLink'), () => actions.onCopyLink(c.id))}
              </div>
            )}
          </div>
        )}
        {!c.shared && (
          <button
            type="button"
            className={confirming ? 'conv-del confirm' : 'conv-del'}
            aria-label={confirming ? t('convs.deleteConfirm') : t('convs.delete')}
            title={confirming ? t('convs.deleteHint') : t('convs.deleteShort')}
            onClick={() => {
              if (confirming) {
                setConfirmId(null);
                onDelete(c.id);
              } else {
                setConfirmId(c.id);
              }
            }}
          >
            {confirming ? t('convs.deleteAsk') : <Icon name="trash" size={15} />}
          </button>
        )}
      </li>
    );
  };

  return (
    <aside className="sidebar" aria-label={t('convs.listLabel')}>
      <div className="sidebar-top">
        <button type="button" className="btn primary new-chat" onClick={onNew}>
          + {t('chat.newChat')}
        </button>
        {search && (
          <div className="conv-search" role="search">
            <Icon name="search" size={14} />
            <input
              type="search"
              value={search.query}
              placeholder={t('convs.searchPlaceholder')}
              aria-label={t('convs.searchLabel')}
              maxLength={200}
              onChange={(e) => search.setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') search.setQuery('');
              }}
            />
          </div>
        )}
      </div>
      {!searching && children}
      <nav className="conv-list" aria-labelledby="conv-heading">
        <h2 id="conv-heading" className="section-heading">
          {searching ? t('convs.searchLabel') : t('convs.heading')}
        </h2>
        {searching && search && (
          <>
            {search.searching && search.hits.length === 0 && <p className="muted pad">{t('convs.searching')}</p>}
            {!search.searching && search.answered && search.hits.length === 0 && (
              <p className="muted pad">{t('convs.noHits', { q: search.answered })}</p>
            )}
            <ul className="hits">
              {search.hits.map((h) => (
                <HitView key={`${h.conversation_id}:${h.message_id ?? 'title'}`} hit={h} onOpen={() => onSelect(h.conversation_id)} />
              ))}
            </ul>
          </>
        )}
        {!searching && (
          <>
            {loading && conversations.length === 0 && <p className="muted pad">{t('app.loading')}</p>}
            {!loading && conversations.length === 0 && <p className="muted pad">{t('convs.empty')}</p>}
            {groups.map((g) => (
              <section key={g.key} className="conv-group" aria-label={g.label}>
                <h3 className="conv-group-label">{g.label}</h3>
                <ul>{g.items.map(row)}</ul>
              </section>
            ))}
            {hasMore && onLoadMore && (
              <button
                type="button"
                className="btn ghost small conv-more-pages"
                disabled={loadingMore}
                onClick={() => {
                  setLoadingMore(true);
                  void onLoadMore().finally(() => setLoadingMore(false));
                }}
              >
                {loadingMore ? t('convs.loadingMore') : t('convs.more')}
              </button>
            )}
          </>
        )}
      </nav>
      <div className="sidebar-bottom">
        {me && (
          <div className="me" title={[me.empno, me.company ?? me.company_code].filter(Boolean).join(' · ')}>
            <span className="me-name">{me.name}</span>
            <span className="me-meta">
              {me.empno}
              {me.is_admin && <span className="tag">admin</span>}
            </span>
          </div>
        )}
        <button type="button" className="btn ghost small" onClick={onLogout}>
          {t('auth.signOut')}
        </button>
      </div>
    </aside>
  );
}
