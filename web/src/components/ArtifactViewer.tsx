// One artifact: its current version's content, version history, and editing with
// optimistic concurrency (base_version; a 409 stale_version shows the newer version).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api';
import type { Artifact, ArtifactSummary } from '../types';
import { t } from '../messages';
import type { ArtifactUpdate } from '../hooks/useWorkspace';
import { Markdown } from '../markdown';
import { formatRelative } from '../format';
import { diffLines } from '../diff';
import {
  contentFromText,
  contentText,
  noteNewer,
  reapply,
  staleCurrent,
  startEdit,
  takeTheirs,
  type EditState,
} from '../workspace';

interface Props {
  api: ApiClient;
  workspaceId: string;
  artifactId: string;
  lastUpdate: ArtifactUpdate | null;
  canEdit: boolean;
  pushError: (e: unknown) => void;
}

export function ArtifactContent({ artifact }: { artifact: Pick<Artifact, 'type' | 'content'> }) {
  // Documents use the safe Markdown renderer; everything else is shown as plain text.
  if (artifact.type === 'document' && typeof artifact.content === 'string') {
    return artifact.content ? <Markdown text={artifact.content} /> : <p className="muted small">{t('artifact.empty')}</p>;
  }
  return <pre className="artifact-pre">{contentText(artifact.content)}</pre>;
}

export function ArtifactViewer({ api, workspaceId, artifactId, lastUpdate, canEdit, pushError }: Props) {
  const [current, setCurrent] = useState<Artifact | null>(null);
  const [history, setHistory] = useState<ArtifactSummary[]>([]);
  const [edit, setEdit] = useState<EditState | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [viewing, setViewing] = useState<Artifact | null>(null);
  const [comparing, setComparing] = useState(false);
  const ver = (n: number) => t('artifact.version', { n });
  /** A save of this tab is in flight: its own echo on the socket is not news to announce. */
  const selfSaving = useRef(0);

  const load = useCallback(async () => {
    try {
      const [a, h] = await Promise.all([
        api.getArtifact(workspaceId, artifactId),
        api.artifactHistory(workspaceId, artifactId),
      ]);
      setCurrent(a);
      setHistory(h);
      return a;
    } catch (e) {
      pushError(e);
      return null;
    }
  }, [api, workspaceId, artifactId, pushError]);

  useEffect(() => {
    void load();
  }, [load]);

  // Live: another editor (or this user in another tab) saved a version.
  useEffect(() => {
    const u = lastUpdate?.artifact;
    // Not loaded yet (e.g. the echo of its own creation): the initial load covers it.
    if (!u || u.id !== artifactId || !current) return;
    if (u.version <= current.version || selfSaving.current > 0) return;
    void (async () => {
      // Re-read over REST: large content is omitted from the event, and the history changed too.
      const fresh = await load();
      if (!fresh) return;
      setEdit((ed) => (ed ? noteNewer(ed, fresh) : ed));
      if (lastUpdate?.by) setNotice(t('artifact.savedBy', { name: lastUpdate.by, version: t('artifact.version', { n: fresh.version }) }));
    })();
    // Only a new event should trigger this (not a reload of `current` it causes itself).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastUpdate]);

  const save = async () => {
    if (!edit || !current) return;
    const parsed = contentFromText(edit.base.type, edit.draft);
    if (!parsed.ok) {
      pushError(new Error(parsed.error));
      return;
    }
    setSaving(true);
    selfSaving.current++;
    try {
      const saved = await api.updateArtifact(workspaceId, artifactId, {
        base_version: edit.base.version,
        content: parsed.value,
      });
      setCurrent(saved);
      setEdit(null);
      setNotice(t('artifact.saved', { version: ver(saved.version) }));
      void load();
    } catch (e) {
      const newer = staleCurrent(e);
      if (newer) {
        // Keep the draft; show what is current now and let the user re-apply on top of it.
        setCurrent(newer);
        setEdit((ed) => (ed ? noteNewer(ed, newer) : ed));
        void load();
      } else {
        pushError(e);
      }
    } finally {
      selfSaving.current--;
      setSaving(false);
    }
  };

  /** A new version from `changes`, based on the current one (a 409 reloads and says so). */
  const saveNext = async (changes: { title?: string; content?: unknown }): Promise<Artifact | null> => {
    if (!current) return null;
    selfSaving.current++;
    try {
      const saved = await api.updateArtifact(workspaceId, artifactId, { base_version: current.version, ...changes });
      setCurrent(saved);
      void load();
      return saved;
    } catch (e) {
      const newer = staleCurrent(e);
      if (newer) setCurrent(newer);
      pushError(e);
      return null;
    } finally {
      selfSaving.current--;
    }
  };

  const rename = async () => {
    const title = renaming?.trim();
    if (!title || !current || title === current.title) {
      setRenaming(null);
      return;
    }
    const saved = await saveNext({ title });
    if (saved) {
      setRenaming(null);
      setNotice(t('artifact.renamed', { title }));
    }
  };

  const openVersion = async (version: number) => {
    try {
      setViewing(await api.getArtifactVersion(workspaceId, artifactId, version));
      setComparing(false);
    } catch (e) {
      pushError(e);
    }
  };

  const restore = async () => {
    if (!viewing) return;
    const saved = await saveNext({ content: viewing.content });
    if (saved) {
      setNotice(t('artifact.restored', { old: ver(viewing.version), new: ver(saved.version) }));
      setViewing(null);
    }
  };

  if (!current) return <div className="artifact-viewer muted small pad">{t('app.loading')}</div>;

  return (
    <div className="artifact-viewer" data-testid="artifact-viewer">
      <div className="artifact-head">
        {renaming !== null ? (
          <form
            className="artifact-rename"
            onSubmit={(e) => {
              e.preventDefault();
              void rename();
            }}
          >
            <input
              aria-label={t('artifact.titleLabel')}
              value={renaming}
              maxLength={200}
              autoFocus
              onChange={(e) => setRenaming(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
            />
            <button type="submit" className="btn small primary">
              {t('artifact.save')}
            </button>
          </form>
        ) : (
          <strong className="artifact-title-text">{current.title || t('common.untitled')}</strong>
        )}
        <span className="muted small">
          {ver(current.version)} · {current.created_by_name ?? current.created_by}
        </span>
        {canEdit && !edit && renaming === null && (
          <>
            <button type="button" className="btn small ghost" onClick={() => setRenaming(current.title ?? '')}>
              {t('artifact.rename')}
            </button>
            <button type="button" className="btn small" onClick={() => setEdit(startEdit(current))}>
              {t('artifact.edit')}
            </button>
          </>
        )}
      </div>
      {notice && <p className="artifact-notice small">{notice}</p>}
      {edit ? (
        <div className="artifact-edit">
          {edit.conflict && (
            <div className="conflict" role="alert">
              <p>{t('artifact.conflict', { theirs: ver(edit.conflict.version), mine: ver(edit.base.version) })}</p>
              <ArtifactContent artifact={edit.conflict} />
              <div className="conflict-actions">
                <button type="button" className="btn small primary" onClick={() => setEdit(reapply(edit))}>
                  {t('artifact.reapply')}
                </button>
                <button type="button" className="btn small" onClick={() => setEdit(takeTheirs(edit))}>
                  {t('artifact.startLatest')}
                </button>
              </div>
            </div>
          )}
          <textarea
            className="artifact-textarea"
            aria-label={t('artifact.contentLabel')}
            value={edit.draft}
            rows={10}
            onChange={(e) => setEdit({ ...edit, draft: e.target.value })}
          />
          <div className="conflict-actions">
            <button type="button" className="btn small primary" disabled={saving || !!edit.conflict} onClick={() => void save()}>
              {saving ? t('artifact.saving') : t('artifact.save')}
            </button>
            <button type="button" className="btn small ghost" onClick={() => setEdit(null)}>
              {t('artifact.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <div className="artifact-body">
          <ArtifactContent artifact={current} />
        </div>
      )}
      {viewing && (
        <div className="artifact-version" data-testid="artifact-version">
          <div className="artifact-head">
            <strong>{t('artifact.viewing', { version: ver(viewing.version) })}</strong>
            <button type="button" className="btn small ghost" onClick={() => setComparing((c) => !c)}>
              {comparing ? t('artifact.hideCompare') : t('artifact.compare')}
            </button>
            {canEdit && viewing.version !== current.version && (
              <button type="button" className="btn small primary" onClick={() => void restore()}>
                {t('artifact.restore')}
              </button>
            )}
            <button type="button" className="btn small ghost" aria-label={t('artifact.closeVersion')} onClick={() => setViewing(null)}>
              ×
            </button>
          </div>
          {comparing ? (
            <>
              <p className="muted small">{t('artifact.diffLegend')}</p>
              <pre className="artifact-diff" data-testid="artifact-diff">
                {diffLines(contentText(viewing.content), contentText(current.content)).map((l, i) => (
                  <div key={i} className={`diff-${l.op}`}>
                    {l.op === 'add' ? '+ ' : l.op === 'del' ? '- ' : '  '}
                    {l.text}
                  </div>
                ))}
              </pre>
            </>
          ) : (
            <ArtifactContent artifact={viewing} />
          )}
        </div>
      )}
      <details className="artifact-history" open={history.length > 1 || undefined}>
        <summary>{t('artifact.history', { n: history.length })}</summary>
        <ol>
          {history.map((h) => (
            <li key={h.version_id}>
              <button type="button" className="linkish" aria-label={t('artifact.view', { version: ver(h.version) })} onClick={() => void openVersion(h.version)}>
                {ver(h.version)}
              </button>{' '}
              · {h.title || t('common.untitled')} · {h.created_by_name ?? h.created_by} · {formatRelative(h.created_at)}
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}
