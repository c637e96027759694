// Inline model dropdown that opens upward (it sits in the composer at the bottom).
import { useEffect, useRef, useState } from 'react';
import type { CatalogModel, ModelInfo, ModelsResponse } from '../types';
import { formatContextWindow, modelDisplayName } from '../format';
import { hasKey, t, type MessageKey } from '../messages';
import { Icon } from './Icon';

interface Props {
  catalog: ModelsResponse;
  /** null = server default (no `model` sent). */
  value: string | null;
  onChange: (key: string | null) => void;
  disabled?: boolean;
}

// Company names stay as written; only the offline stand-in is described in the user's words.
const PROVIDERS: Record<string, string> = { anthropic: 'Anthropic', google: 'Google' };

export function providerName(provider: string): string {
  if (provider === 'offline') return t('model.provider.offline');
  return PROVIDERS[provider] ?? provider;
}

/** Every model to show: the whole catalog when the server sends it, else the usable ones. */
export function catalogOf(models: ModelsResponse): CatalogModel[] {
  if (models.catalog && models.catalog.length > 0) return models.catalog;
  return models.models.map((m) => ({ ...m, cost_tier: 'medium', available: true, unavailable_reason: null }));
}

export function unavailableText(m: CatalogModel): string {
  const key = `model.unavailable.${m.unavailable_reason}`;
  return hasKey(key) ? t(key, { provider: providerName(m.provider) }) : t('model.unavailable');
}

function details(m: ModelInfo | CatalogModel): string {
  const ctx = formatContextWindow(m.context_window);
  const bits = [
    providerName(m.provider),
    'cost_tier' in m ? t(`model.tier.${m.cost_tier}` as MessageKey) : '',
    ctx && t('model.context', { n: ctx }),
  ];
  return bits.filter(Boolean).join(' · ');
}

export function ModelPicker({ catalog, value, onChange, disabled }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const def = catalog.models.find((m) => m.key === catalog.default);
  const current = value ? catalog.models.find((m) => m.key === value) : def;

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const pick = (key: string) => {
    onChange(key === catalog.default ? null : key);
    setOpen(false);
  };

  return (
    <div className="model-picker" ref={root}>
      <button
        type="button"
        className="chip model-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
        title={t('model.choose')}
      >
        <Icon name="model" size={14} />
        {current ? modelDisplayName(current) : value ?? t('model.choose')}
        <Icon name="caret" size={12} className="caret" />
      </button>
      {open && (
        <ul className="model-menu" role="listbox" aria-label={t('model.choose')}>
          {catalogOf(catalog).map((m) => {
            const selected = (value ?? catalog.default) === m.key;
            const usable = m.available;
            return (
              <li
                key={m.key}
                role="option"
                aria-selected={selected}
                aria-disabled={!usable || undefined}
                data-provider={m.provider}
                className={[selected && 'selected', !usable && 'disabled'].filter(Boolean).join(' ') || undefined}
                tabIndex={usable ? 0 : -1}
                onClick={() => usable && pick(m.key)}
                onKeyDown={(e) => {
                  if (usable && (e.key === 'Enter' || e.key === ' ')) {
                    e.preventDefault();
                    pick(m.key);
                  }
                }}
              >
                <span className="model-name">
                  {modelDisplayName(m)}
                  {m.key === catalog.default && <span className="tag">{t('model.default')}</span>}
                  {m.modalities?.includes('image') && <span className="tag">{t('model.image')}</span>}
                </span>
                <span className="model-details">{details(m)}</span>
                {!usable && <span className="model-unavailable">{unavailableText(m)}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
