// Prompt templates: the user's and those shared in their company, loaded once and kept in step
// with what the user saves or deletes here.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { t } from '../messages';
import type { PromptTemplate } from '../types';

export interface TemplateDraft {
  title: string;
  body: string;
  shared: boolean;
}

export interface Templates {
  items: PromptTemplate[];
  save: (draft: TemplateDraft, id?: string) => Promise<boolean>;
  remove: (template: PromptTemplate) => Promise<void>;
}

export function useTemplates(api: ApiClient, notify: (m: string) => void, pushError: (e: unknown) => void): Templates {
  const [items, setItems] = useState<PromptTemplate[]>([]);

  useEffect(() => {
    let live = true;
    api.listTemplates().then(
      (found) => live && setItems(found),
      () => {
        /* templates are optional: the composer works without them */
      },
    );
    return () => {
      live = false;
    };
  }, [api]);

  const save = useCallback(
    async (draft: TemplateDraft, id?: string) => {
      try {
        const saved = id ? await api.updateTemplate(id, draft) : await api.createTemplate(draft);
        setItems((now) => {
          const rest = now.filter((x) => x.id !== saved.id);
          const mine = [...rest.filter((x) => x.mine), saved].sort((a, b) => a.title.localeCompare(b.title, 'ko'));
          return [...mine, ...rest.filter((x) => !x.mine)];
        });
        notify(t('templates.saved', { name: saved.title }));
        return true;
      } catch (e) {
        pushError(e);
        return false;
      }
    },
    [api, notify, pushError],
  );

  const remove = useCallback(
    async (template: PromptTemplate) => {
      try {
        await api.deleteTemplate(template.id);
        setItems((now) => now.filter((x) => x.id !== template.id));
        notify(t('templates.deleted', { name: template.title }));
      } catch (e) {
        pushError(e);
      }
    },
    [api, notify, pushError],
  );

  return { items, save, remove };
}

/** Templates whose name or text contains the words typed after "/" (all of them when none). */
export function matchTemplates(items: readonly PromptTemplate[], query: string): PromptTemplate[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((x) => {
    const hay = `${x.title}\n${x.body}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}
