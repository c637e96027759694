// The open workspace: who is here (presence), its artifacts, and the selected artifact.
import { useState } from 'react';
import type { ApiClient } from '../api';
import type { ArtifactSummary, Workspace } from '../types';
import type { PresenceState } from '../workspace';
import type { ArtifactUpdate } from '../hooks/useWorkspace';
import { ArtifactViewer } from './ArtifactViewer';
import { formatRelative } from '../format';
import { MembersSection } from './MembersSection';
import { t, type MessageKey } from '../messages';

interface Props {
  api: ApiClient;
  workspace: Workspace;
  presence: PresenceState;
  artifacts: ArtifactSummary[];
  lastUpdate: ArtifactUpdate | null;
  onCreateArtifact: (title: string) => Promise<string | null>;
  onClose: () => void;
  pushError: (e: unknown) => void;
  onWorkspaceChanged: (w: Workspace) => void;
  notify: (message: string) => void;
  /** The canvas beside the chat at half the width (desktop); the panel is full screen on a phone. */
  wide?: boolean;
  onToggleWide?: () => void;
}

const ROLE_LABELS: Record<string, MessageKey> = { owner: 'members.owner', editor: 'members.role.editor', viewer: 'members.role.viewer' };

export function PresenceBar({ presence }: { presence: PresenceState }) {
  if (!presence.joined) return <p className="presence muted small">{t('ws.joining')}</p>;
  return (
    <div className="presence" data-testid="presence" aria-label={t('ws.presence')}>
      <span className="presence-dot" aria-hidden="true" />
      <span className="small">{t('ws.presenceCount', { n: presence.users.length })}</span>
      {presence.users.map((u) => (
        <span key={u.empno} className="chip presence-user" title={u.empno}>
          {u.name}
        </span>
      ))}
    </div>
  );
}

export function WorkspacePanel({ api, workspace, presence, artifacts, lastUpdate, onCreateArtifact, onClose, pushError, onWorkspaceChanged, notify, wide = false, onToggleWide }: Props) {
  const [selected, setSelected] = useState<string | null>(null);
  const role = presence.role ?? workspace.role;
  const canEdit = (role === 'owner' || role === 'editor') && workspace.status !== 'archived';
  const newDoc = async () => {
    const id = await onCreateArtifact(t('artifact.newTitle'));
    if (id) setSelected(id);
  };
  return (
    <section className="side-panel ws-panel" aria-label={t('ws.panelLabel', { title: workspace.title })} data-testid="workspace-panel">
      <header className="panel-head">
        <h2 title={workspace.title}>{workspace.title}</h2>
        <span className="tag">{role in ROLE_LABELS ? t(ROLE_LABELS[role]) : role}</span>
        {onToggleWide && (
          <button type="button" className="btn ghost small wide-toggle" aria-pressed={wide} onClick={onToggleWide}>
            {wide ? t('artifact.narrow') : t('artifact.wide')}
          </button>
        )}
        <button type="button" className="btn ghost small" aria-label={t('ws.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <PresenceBar presence={presence} />
      <MembersSection api={api} workspace={workspace} onChanged={onWorkspaceChanged} notify={notify} pushError={pushError} />
      <div className="ws-artifacts">
        <div className="ws-head">
          <span className="section-label">{t('ws.artifacts')}</span>
          {canEdit && (
            <button type="button" className="btn ghost small" onClick={() => void newDoc()}>
              + {t('artifact.newTitle')}
            </button>
          )}
        </div>
        {artifacts.length === 0 && <p className="muted small pad">{t('ws.noArtifacts')}</p>}
        <ul className="artifact-list">
          {artifacts.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                className={a.id === selected ? 'artifact-item active' : 'artifact-item'}
                onClick={() => setSelected(a.id === selected ? null : a.id)}
              >
                <span className="artifact-title">{a.title || t('common.untitled')}</span>
                <span className="muted small">
                  v{a.version} · {formatRelative(a.created_at)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      {selected && (
        <ArtifactViewer
          key={selected}
          api={api}
          workspaceId={workspace.id}
          artifactId={selected}
          lastUpdate={lastUpdate}
          canEdit={canEdit}
          pushError={pushError}
        />
      )}
    </section>
  );
}
