// Non-blocking notices: at most four, the same text never twice.
import { useCallback, useReducer, useRef } from 'react';
import { ApiError } from '../api';
import type { BannerItem } from '../components/Banners';

type BannerAction = { type: 'pushed'; item: BannerItem } | { type: 'dismissed'; id: number };

function bannersReducer(items: BannerItem[], a: BannerAction): BannerItem[] {
  switch (a.type) {
    case 'pushed':
      return [...items.filter((b) => b.message !== a.item.message), a.item].slice(-4);
    case 'dismissed':
      return items.filter((b) => b.id !== a.id);
  }
}

export function errorMessage(e: unknown): { message: string; correlationId?: string } {
  if (e instanceof ApiError) return { message: e.message, correlationId: e.correlationId };
  if (e instanceof Error) return { message: e.message };
  return { message: String(e) };
}

export interface BannersApi {
  items: BannerItem[];
  push: (kind: BannerItem['kind'], message: string, correlationId?: string) => void;
  pushError: (e: unknown) => void;
  /** The same, except a 401 (the session's business: its own banner says so). */
  report: (e: unknown) => void;
  dismiss: (id: number) => void;
}

export function useBanners(): BannersApi {
  const [items, dispatch] = useReducer(bannersReducer, []);
  const seq = useRef(0);
  const push = useCallback((kind: BannerItem['kind'], message: string, correlationId?: string) => {
    dispatch({ type: 'pushed', item: { id: ++seq.current, kind, message, correlationId } });
  }, []);
  const pushError = useCallback(
    (e: unknown) => {
      const { message, correlationId } = errorMessage(e);
      push('error', message, correlationId);
    },
    [push],
  );
  const report = useCallback(
    (e: unknown) => {
      if (!(e instanceof ApiError && e.status === 401)) pushError(e);
    },
    [pushError],
  );
  const dismiss = useCallback((id: number) => dispatch({ type: 'dismissed', id }), []);
  return { items, push, pushError, report, dismiss };
}
