// The "/" menu of the composer: templates matching what follows the slash; arrows choose,
// Enter or Tab inserts, Escape closes (until the text changes).
import { forwardRef, useImperativeHandle, useMemo, useState, type KeyboardEvent } from 'react';
import { t } from '../messages';
import { matchTemplates } from '../hooks/useTemplates';
import type { PromptTemplate } from '../types';

export interface TemplateMenuHandle {
  /** Handles a key of the text box while the menu is open; true when it was the menu's. */
  handleKey: (e: KeyboardEvent<HTMLTextAreaElement>) => boolean;
}

interface Props {
  /** The composer's whole text; the menu is open while it is "/" plus one line. */
  text: string;
  templates: PromptTemplate[];
  onPick: (body: string) => void;
  onManage: () => void;
}

export function slashQuery(text: string): string | null {
  return /^\/[^\n]*$/.test(text) ? text.slice(1) : null;
}

export const TemplateMenu = forwardRef<TemplateMenuHandle, Props>(function TemplateMenu(
  { text, templates, onPick, onManage },
  ref,
) {
  const [selected, setSelected] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<string | null>(null);
  const query = slashQuery(text);
  const open = query !== null && dismissedAt !== text;
  const found = useMemo(() => (open && query !== null ? matchTemplates(templates, query) : []), [open, query, templates]);
  const index = Math.min(selected, Math.max(found.length - 1, 0));

  useImperativeHandle(
    ref,
    () => ({
      handleKey: (e) => {
        if (!open) return false;
        if (e.key === 'Escape') {
          setDismissedAt(text);
          return true;
        }
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          if (found.length === 0) return false;
          e.preventDefault();
          const step = e.key === 'ArrowDown' ? 1 : -1;
          setSelected((index + step + found.length) % found.length);
          return true;
        }
        if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
          if (found.length === 0) return e.key === 'Enter'; // "/foo" with no match is not sent by accident
          e.preventDefault();
          onPick(found[index].body);
          return true;
        }
        return false;
      },
    }),
    [open, text, found, index, onPick],
  );

  if (!open) return null;
  return (
    <div className="template-menu" role="listbox" aria-label={t('templates.menu')} data-testid="template-menu">
      <p className="template-hint muted">{t('templates.hint')}</p>
      {found.length === 0 && <p className="muted pad">{t('templates.none')}</p>}
      <ul>
        {found.slice(0, 8).map((x, i) => (
          <li key={x.id}>
            <button
              type="button"
              role="option"
              aria-selected={i === index}
              className={i === index ? 'template-option on' : 'template-option'}
              onMouseDown={(e) => e.preventDefault()} // keep the text box focused
              onClick={() => onPick(x.body)}
            >
              <span className="template-name">
                {x.title}
                {!x.mine && <span className="tag">{t('templates.by', { owner: x.owner_name ?? x.owner_empno })}</span>}
                {x.mine && x.shared && <span className="tag">{t('templates.sharedTag')}</span>}
              </span>
              <span className="template-body muted">{x.body}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="btn ghost small template-manage" onMouseDown={(e) => e.preventDefault()} onClick={onManage}>
        {t('templates.manage')}
      </button>
    </div>
  );
});
