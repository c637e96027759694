// Share a conversation read-only with colleagues (directory search) or a workspace the owner
// belongs to; the current shares listed with "공유 해제".
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { t } from '../messages';
import { shareName, useShares } from '../hooks/useShares';
import type { Conversation, DirectoryUser, Me, Workspace } from '../types';

interface Props {
  api: ApiClient;
  conversation: Conversation;
  me: Me | null;
  workspaces: Workspace[];
  onClose: () => void;
  notify: (message: string) => void;
  pushError: (e: unknown) => void;
}

const SEARCH_DELAY_MS = 250;

export function ShareDialog({ api, conversation, me, workspaces, onClose, notify, pushError }: Props) {
  const shares = useShares(api, conversation.id, notify, pushError);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<DirectoryUser[] | null>(null);
  const [workspaceId, setWorkspaceId] = useState('');

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setFound(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.searchDirectory(q).then(
        (items) => live && setFound(items),
        (e) => live && pushError(e),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, query, pushError]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  // Only workspaces the owner is a member of can receive a share (the server checks it too).
  const mine = workspaces.filter(
    (w) => w.status !== 'deleted' && (w.owner_empno === me?.empno || (w.collaborators ?? []).some((c) => c.empno === me?.empno)),
  );
  const sharedIds = new Set((shares.items ?? []).map((s) => s.grantee_empno ?? s.workspace_id));

  return (
    <div className="sheet-backdrop" role="presentation" onClick={onClose}>
      <section
        className="sheet share-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="share-title"
        data-testid="share-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <header className="sheet-head">
          <h2 id="share-title">{t('convs.shareTitle')}</h2>
          <button type="button" className="btn ghost small" onClick={onClose}>
            {t('convs.shareClose')}
          </button>
        </header>
        <div className="sheet-body">
          <p className="share-subject">{conversation.title || t('chat.newChat')}</p>
          <p className="muted small">{t('convs.shareHelp')}</p>
          <fieldset className="settings-group">
            <legend>{t('convs.sharePerson')}</legend>
            <input
              type="search"
              value={query}
              placeholder={t('convs.sharePerson')}
              aria-label={t('convs.sharePerson')}
              maxLength={50}
              onChange={(e) => setQuery(e.target.value)}
            />
            {found && found.length === 0 && <p className="muted small">{t('members.noMatch')}</p>}
            {found && found.length > 0 && (
              <ul className="member-results" aria-label={t('convs.sharePerson')}>
                {found.map((u) => (
                  <li key={u.empno}>
                    <span className="member-name">
                      {u.name} <span className="muted small">{[u.empno, u.department].filter(Boolean).join(' · ')}</span>
                    </span>
                    <button
                      type="button"
                      className="btn small"
                      disabled={sharedIds.has(u.empno)}
                      onClick={() => void shares.add({ empno: u.empno }).then(() => setQuery(''))}
                    >
                      {t('convs.shareAdd')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
          {mine.length > 0 && (
            <fieldset className="settings-group">
              <legend>{t('convs.shareWorkspace')}</legend>
              <div className="share-ws-row">
                <select aria-label={t('convs.shareWorkspacePick')} value={workspaceId} onChange={(e) => setWorkspaceId(e.target.value)}>
                  <option value="">{t('convs.shareWorkspacePick')}</option>
                  {mine.map((w) => (
                    <option key={w.id} value={w.id} disabled={sharedIds.has(w.id)}>
                      {w.title}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="btn small"
                  disabled={!workspaceId}
                  onClick={() => void shares.add({ workspace_id: workspaceId }).then(() => setWorkspaceId(''))}
                >
                  {t('convs.shareAdd')}
                </button>
              </div>
            </fieldset>
          )}
          <fieldset className="settings-group">
            <legend>{t('convs.shareWith')}</legend>
            {shares.items && shares.items.length === 0 && <p className="muted small">{t('convs.shareNone')}</p>}
            <ul className="member-list share-list">
              {(shares.items ?? []).map((s) => (
                <li key={s.id}>
                  <span className="member-name">{shareName(s)}</span>
                  <span className="tag">{s.kind === 'person' ? (s.grantee_empno ?? '') : t('convs.shareWorkspace')}</span>
                  <button type="button" className="btn ghost small" onClick={() => void shares.revoke(s)}>
                    {t('convs.shareRevoke')}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        </div>
      </section>
    </div>
  );
}
