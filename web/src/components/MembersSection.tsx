// Workspace members: the owner invites colleagues by name or employee number (directory
// search), changes their role and removes them; everyone else sees who is a member.
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { t } from '../messages';
import type { CollaboratorRole, DirectoryUser, Workspace } from '../types';

interface Props {
  api: ApiClient;
  workspace: Workspace;
  /** The workspace as the server returned it after a change (new member list). */
  onChanged: (w: Workspace) => void;
  notify: (message: string) => void;
  pushError: (e: unknown) => void;
}

const ROLES: CollaboratorRole[] = ['editor', 'viewer'];
const SEARCH_DELAY_MS = 250;

export function MembersSection({ api, workspace, onChanged, notify, pushError }: Props) {
  const isOwner = workspace.role === 'owner';
  const members = workspace.collaborators ?? [];
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<DirectoryUser[] | null>(null);
  const [role, setRole] = useState<CollaboratorRole>('editor');

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setFound(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.searchDirectory(q).then(
        (items) => live && setFound(items.filter((u) => u.empno !== workspace.owner_empno)),
        (e) => live && pushError(e),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, query, workspace.owner_empno, pushError]);

  const invite = async (u: DirectoryUser) => {
    try {
      onChanged(await api.putCollaborator(workspace.id, u.empno, role));
      notify(t('members.invited', { name: u.name }));
      setQuery('');
    } catch (e) {
      pushError(e);
    }
  };
  const changeRole = async (empno: string, next: CollaboratorRole) => {
    try {
      onChanged(await api.putCollaborator(workspace.id, empno, next));
    } catch (e) {
      pushError(e);
    }
  };
  const remove = async (empno: string, name: string) => {
    try {
      await api.removeCollaborator(workspace.id, empno);
      onChanged({ ...workspace, collaborators: members.filter((m) => m.empno !== empno) });
      notify(t('members.removed', { name }));
    } catch (e) {
      pushError(e);
    }
  };

  return (
    <div className="ws-members" data-testid="members">
      <div className="ws-head">
        <span className="section-label">{t('members.title')}</span>
      </div>
      <ul className="member-list">
        <li>
          <span className="member-name">{workspace.owner_name ?? workspace.owner_empno}</span>
          <span className="tag">{t('members.owner')}</span>
        </li>
        {members.map((m) => {
          const name = m.name ?? m.empno;
          return (
            <li key={m.empno} data-empno={m.empno}>
              <span className="member-name" title={m.empno}>
                {name}
              </span>
              {isOwner ? (
                <>
                  <select
                    aria-label={t('members.roleOf', { name })}
                    value={m.role}
                    onChange={(e) => void changeRole(m.empno, e.target.value as CollaboratorRole)}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`members.role.${r}`)}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="btn ghost small"
                    aria-label={t('members.remove', { name })}
                    onClick={() => void remove(m.empno, name)}
                  >
                    ×
                  </button>
                </>
              ) : (
                <span className="tag">{t(`members.role.${m.role}`)}</span>
              )}
            </li>
          );
        })}
      </ul>
      {isOwner && (
        <div className="member-invite">
          <div className="member-invite-row">
            <input
              type="search"
              value={query}
              placeholder={t('members.search')}
              aria-label={t('members.search')}
              maxLength={50}
              onChange={(e) => setQuery(e.target.value)}
            />
            <select aria-label={t('members.invite')} value={role} onChange={(e) => setRole(e.target.value as CollaboratorRole)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`members.role.${r}`)}
                </option>
              ))}
            </select>
          </div>
          {found && found.length === 0 && <p className="muted small">{t('members.noMatch')}</p>}
          {found && found.length > 0 && (
            <ul className="member-results" aria-label={t('members.search')}>
              {found.map((u) => (
                <li key={u.empno}>
                  <span className="member-name">
                    {u.name} <span className="muted small">{[u.empno, u.department].filter(Boolean).join(' · ')}</span>
                  </span>
                  <button type="button" className="btn small" onClick={() => void invite(u)}>
                    {t('members.invite')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
