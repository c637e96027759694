// Non-blocking notices: at most four, the same text never twice. A notice about a condition
// (the server unreachable or failing, the live connection lost) goes as soon as that
// condition clears, not only when it times out or is dismissed.
import { useCallback, useReducer, useRef } from 'react';
import { ApiError } from '../api';
import type { BannerCondition, BannerItem } from '../components/Banners';

/** The condition an error is about: the server could not be reached or failed (5xx). */
export function conditionOf(e: unknown): BannerCondition | undefined {
  return e instanceof ApiError && (e.status === 0 || e.status >= 500) ? 'connectivity' : undefined;
}

type BannerAction =
  | { type: 'pushed'; item: BannerItem }
  | { type: 'dismissed'; id: number }
  | { type: 'cleared'; condition: BannerCondition };

export function bannersReducer(items: BannerItem[], a: BannerAction): BannerItem[] {
  switch (a.type) {
    case 'pushed':
      return [...items.filter((b) => b.message !== a.item.message), a.item].slice(-4);
    case 'dismissed':
      return items.filter((b) => b.id !== a.id);
    case 'cleared':
      return items.some((b) => b.condition === a.condition) ? items.filter((b) => b.condition !== a.condition) : items;
  }
}

export function errorMessage(e: unknown): { message: string; correlationId?: string } {
  if (e instanceof ApiError) return { message: e.message, correlationId: e.correlationId };
  if (e instanceof Error) return { message: e.message };
  return { message: String(e) };
}

export interface BannersApi {
  items: BannerItem[];
  push: (kind: BannerItem['kind'], message: string, correlationId?: string, condition?: BannerCondition) => void;
  /** The condition cleared: its notices go. */
  clear: (condition: BannerCondition) => void;
  pushError: (e: unknown) => void;
  /** The same, except a 401 (the session's business: its own banner says so). */
  report: (e: unknown) => void;
  dismiss: (id: number) => void;
}

export function useBanners(): BannersApi {
  const [items, dispatch] = useReducer(bannersReducer, []);
  const seq = useRef(0);
  const push = useCallback(
    (kind: BannerItem['kind'], message: string, correlationId?: string, condition?: BannerCondition) => {
      dispatch({ type: 'pushed', item: { id: ++seq.current, kind, message, correlationId, condition } });
    },
    [],
  );
  const clear = useCallback((condition: BannerCondition) => dispatch({ type: 'cleared', condition }), []);
  const pushError = useCallback(
    (e: unknown) => {
      const { message, correlationId } = errorMessage(e);
      push('error', message, correlationId, conditionOf(e));
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
  return { items, push, clear, pushError, report, dismiss };
}
