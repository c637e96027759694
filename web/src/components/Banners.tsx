// Non-blocking notices (errors from the API/socket). They stack in the page's flow above the
// chat (never over it), auto-dismiss, and go when their condition clears (useBanners).
import { useEffect } from 'react';
import { t } from '../messages';

/** What a notice is about, when it is about a condition that can clear by itself. */
export type BannerCondition = 'connectivity' | 'realtime' | 'budget';

export interface BannerItem {
  id: number;
  kind: 'error' | 'info';
  message: string;
  correlationId?: string;
  condition?: BannerCondition;
}

interface Props {
  items: BannerItem[];
  onDismiss: (id: number) => void;
  autoDismissMs?: number;
}

function BannerRow({ item, onDismiss, autoDismissMs }: { item: BannerItem; onDismiss: (id: number) => void; autoDismissMs: number }) {
  useEffect(() => {
    // A budget notice describes a lasting state: it stays until that state changes (useBudget).
    if (autoDismissMs <= 0 || item.condition === 'budget') return;
    const t = setTimeout(() => onDismiss(item.id), autoDismissMs);
    return () => clearTimeout(t);
  }, [item.id, item.condition, onDismiss, autoDismissMs]);
  return (
    <div className={`banner banner-${item.kind}`} role={item.kind === 'error' ? 'alert' : 'status'} data-condition={item.condition}>
      <span className="banner-text">
        {item.message}
        {item.correlationId && <span className="banner-cid"> (ID: {item.correlationId})</span>}
      </span>
      <button type="button" className="banner-close" aria-label={t('common.close')} onClick={() => onDismiss(item.id)}>
        ×
      </button>
    </div>
  );
}

export function Banners({ items, onDismiss, autoDismissMs = 8000 }: Props) {
  if (items.length === 0) return null;
  return (
    <div className="banners" aria-live="polite">
      {items.map((b) => (
        <BannerRow key={b.id} item={b} onDismiss={onDismiss} autoDismissMs={autoDismissMs} />
      ))}
    </div>
  );
}
