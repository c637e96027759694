// Conversation list, new chat, delete (with an inline second-click confirmation).
import { useEffect, useState, type ReactNode } from 'react';
import type { Conversation, Me } from '../types';
import { formatRelative } from '../format';
import { t } from '../messages';
import { Icon } from './Icon';

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
  /** Extra sections (workspaces) shown above the conversation list. */
  children?: ReactNode;
}

export function Sidebar({ conversations, activeId, loading, me, streamingIds, onSelect, onNew, onDelete, onLogout, children }: Props) {
  const [confirmId, setConfirmId] = useState<string | null>(null);

  useEffect(() => {
    if (!confirmId) return;
    const t = setTimeout(() => setConfirmId(null), 4000);
    return () => clearTimeout(t);
  }, [confirmId]);

  const sorted = [...conversations].sort((a, b) => (b.updated_at ?? '').localeCompare(a.updated_at ?? ''));

  return (
    <aside className="sidebar" aria-label="대화 목록">
      <div className="sidebar-top">
        <button type="button" className="btn primary new-chat" onClick={onNew}>
          + 새 대화
        </button>
      </div>
      {children}
      <nav className="conv-list">
        {loading && conversations.length === 0 && <p className="muted pad">불러오는 중…</p>}
        {!loading && conversations.length === 0 && <p className="muted pad">대화가 없습니다.</p>}
        <ul>
          {sorted.map((c) => {
            const active = c.id === activeId;
            const confirming = confirmId === c.id;
            return (
              <li key={c.id} className={active ? 'conv active' : 'conv'}>
                <button
                  type="button"
                  className="conv-open"
                  aria-current={active ? 'true' : undefined}
                  onClick={() => onSelect(c.id)}
                  title={c.title || '새 대화'}
                >
                  <span className="conv-title">
                    {streamingIds.has(c.id) && <span className="conv-live" aria-label="응답 중" />}
                    {c.title || '새 대화'}
                  </span>
                  {c.shared && (
                    <span className="conv-shared">
                      {t('conv.sharedBy', { workspace: c.workspace_title ?? '', owner: c.owner_name ?? c.owner_empno ?? '' })}
                    </span>
                  )}
                  <span className="conv-time">{formatRelative(c.updated_at || c.created_at)}</span>
                </button>
                {!c.shared && (
                <button
                  type="button"
                  className={confirming ? 'conv-del confirm' : 'conv-del'}
                  aria-label={confirming ? '삭제 확인' : '대화 삭제'}
                  title={confirming ? '한 번 더 누르면 삭제됩니다' : '삭제'}
                  onClick={() => {
                    if (confirming) {
                      setConfirmId(null);
                      onDelete(c.id);
                    } else {
                      setConfirmId(c.id);
                    }
                  }}
                >
                  {confirming ? '삭제?' : <Icon name="trash" size={15} />}
                </button>
                )}
              </li>
            );
          })}
        </ul>
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
