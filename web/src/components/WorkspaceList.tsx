// Sidebar section: the workspaces I can read, create one, open/close one.
import { useState } from 'react';
import type { Workspace } from '../types';
import { Icon } from './Icon';
import { t } from '../messages';

interface Props {
  workspaces: Workspace[];
  activeId: string | null;
  loading: boolean;
  onOpen: (id: string | null) => void;
  onCreate: (title: string) => Promise<void>;
}

export function WorkspaceList({ workspaces, activeId, loading, onOpen, onCreate }: Props) {
  const [title, setTitle] = useState('');
  const [adding, setAdding] = useState(false);
  const submit = async () => {
    const t = title.trim();
    if (!t) return;
    await onCreate(t);
    setTitle('');
    setAdding(false);
  };
  return (
    <section className="ws-section" aria-label={t('ws.heading')}>
      <div className="ws-head">
        <span className="section-label">{t('ws.heading')}</span>
        <button type="button" className="btn ghost small" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
          + {t('ws.create')}
        </button>
      </div>
      {adding && (
        <form
          className="ws-create"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <input
            value={title}
            maxLength={200}
            placeholder={t('ws.titleLabel')}
            aria-label={t('ws.titleLabel')}
            autoFocus
            onChange={(e) => setTitle(e.target.value)}
          />
          <button type="submit" className="btn primary small" disabled={!title.trim()}>
            {t('ws.createSubmit')}
          </button>
        </form>
      )}
      {loading && workspaces.length === 0 && <p className="muted pad small">{t('app.loading')}</p>}
      <ul className="ws-list">
        {workspaces.map((w) => {
          const active = w.id === activeId;
          return (
            <li key={w.id} className={active ? 'ws active' : 'ws'}>
              <button
                type="button"
                className="ws-open"
                aria-current={active ? 'true' : undefined}
                onClick={() => onOpen(active ? null : w.id)}
                title={active ? t('ws.close') : w.title}
              >
                <Icon name="folder" size={14} />
                <span className="ws-title">{w.title}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
