// Inline model dropdown that opens upward (it sits in the composer at the bottom).
import { useEffect, useRef, useState } from 'react';
import type { ModelInfo, ModelsResponse } from '../types';
import { formatContextWindow, formatPrice } from '../format';
import { Icon } from './Icon';

interface Props {
  catalog: ModelsResponse;
  /** null = server default (no `model` sent). */
  value: string | null;
  onChange: (key: string | null) => void;
  disabled?: boolean;
}

function details(m: ModelInfo): string {
  const bits = [
    m.provider,
    formatContextWindow(m.context_window) && `${formatContextWindow(m.context_window)} ctx`,
    `${formatPrice(m.input_price_per_mtok)} / ${formatPrice(m.output_price_per_mtok)} per MTok`,
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
        title="모델 선택 (Model)"
      >
        <Icon name="model" size={14} />
        {current?.display_name ?? value ?? '모델'}
        <Icon name="caret" size={12} className="caret" />
      </button>
      {open && (
        <ul className="model-menu" role="listbox" aria-label="모델">
          {catalog.models.map((m) => {
            const selected = (value ?? catalog.default) === m.key;
            return (
              <li
                key={m.key}
                role="option"
                aria-selected={selected}
                className={selected ? 'selected' : undefined}
                tabIndex={0}
                onClick={() => pick(m.key)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    pick(m.key);
                  }
                }}
              >
                <span className="model-name">
                  {m.display_name}
                  {m.key === catalog.default && <span className="tag">기본</span>}
                  {m.modalities?.includes('image') && <span className="tag">이미지</span>}
                </span>
                <span className="model-details">{details(m)}</span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
