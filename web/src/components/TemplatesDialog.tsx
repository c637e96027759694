// Manage prompt templates: the user's own (add, edit, share, delete) and, read-only, those
// colleagues shared.
import { useEffect, useState } from 'react';
import { t } from '../messages';
import type { TemplateDraft, Templates } from '../hooks/useTemplates';
import type { PromptTemplate } from '../types';

interface Props {
  templates: Templates;
  onClose: () => void;
}

const EMPTY: TemplateDraft = { title: '', body: '', shared: false };

export function TemplatesDialog({ templates, onClose }: Props) {
  const [draft, setDraft] = useState<TemplateDraft>(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const mine = templates.items.filter((x) => x.mine);
  const shared = templates.items.filter((x) => !x.mine);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const edit = (x: PromptTemplate) => {
    setEditing(x.id);
    setDraft({ title: x.title, body: x.body, shared: x.shared });
  };
  const reset = () => {
    setEditing(null);
    setDraft(EMPTY);
  };

  return (
    <div className="sheet-backdrop" role="presentation" onClick={onClose}>
      <section
        className="sheet templates-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="templates-title"
        data-testid="templates-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <header className="sheet-head">
          <h2 id="templates-title">{t('templates.title')}</h2>
          <button type="button" className="btn ghost small" onClick={onClose}>
            {t('templates.close')}
          </button>
        </header>
        <div className="sheet-body">
          <form
            className="settings-group template-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (!draft.title.trim() || !draft.body.trim()) return;
              void templates.save(draft, editing ?? undefined).then((ok) => ok && reset());
            }}
          >
            <h3>{editing ? t('templates.edit') : t('templates.new')}</h3>
            <label>
              <span>{t('templates.name')}</span>
              <input value={draft.title} maxLength={100} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
            </label>
            <label>
              <span>{t('templates.body')}</span>
              <textarea rows={4} value={draft.body} maxLength={8000} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
            </label>
            <label className="switch-row">
              <input type="checkbox" checked={draft.shared} onChange={(e) => setDraft({ ...draft, shared: e.target.checked })} />
              <span>{t('templates.shareCheck')}</span>
            </label>
            <div className="template-form-actions">
              {editing && (
                <button type="button" className="btn small ghost" onClick={reset}>
                  {t('templates.cancel')}
                </button>
              )}
              <button type="submit" className="btn small primary" disabled={!draft.title.trim() || !draft.body.trim()}>
                {t('templates.save')}
              </button>
            </div>
          </form>
          <section className="settings-group" aria-label={t('templates.mine')}>
            <h3>{t('templates.mine')}</h3>
            {mine.length === 0 && <p className="muted small">{t('templates.emptyMine')}</p>}
            <ul className="template-list">
              {mine.map((x) => (
                <li key={x.id}>
                  <span className="template-name">
                    {x.title} {x.shared && <span className="tag">{t('templates.sharedTag')}</span>}
                  </span>
                  <button type="button" className="btn ghost small" onClick={() => edit(x)}>
                    {t('templates.edit')}
                  </button>
                  <button type="button" className="btn ghost small" onClick={() => void templates.remove(x)}>
                    {t('templates.delete')}
                  </button>
                </li>
              ))}
            </ul>
          </section>
          {shared.length > 0 && (
            <section className="settings-group" aria-label={t('templates.sharedSection')}>
              <h3>{t('templates.sharedSection')}</h3>
              <ul className="template-list">
                {shared.map((x) => (
                  <li key={x.id}>
                    <span className="template-name">{x.title}</span>
                    <span className="tag">{t('templates.by', { owner: x.owner_name ?? x.owner_empno })}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </section>
    </div>
  );
}
