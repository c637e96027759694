// The user's monthly budget in money, as the chat shows it: a notice above the chat (never over
// it) while most of the budget is used ("budget_warning" on the socket, or GET /api/me/budget)
// or all of it (a 402 budget_exceeded on send). The notice is a state, not an event: it stays
// until the state changes and goes by itself when it no longer holds (an administrator raised
// the budget, a new month began), which the next read of GET /api/me/budget tells.
import { useCallback, useEffect, useReducer } from 'react';
import { ApiError, type ApiClient } from '../api';
import type { BannerItem } from '../components/Banners';
import { myBudget, type MyBudget } from '../components/admin/adminApi';
import { formatCost } from '../format';
import { t } from '../messages';
import type { BannersApi } from './useBanners';
import { errorMessage } from './useBanners';

export type BudgetState = MyBudget['state'];

/** The WebSocket event a turn sends when its model calls crossed a budget's warning share. */
export interface BudgetWarningEvent {
  type: 'budget_warning';
  code?: string;
  message?: string;
  turn_id?: string | null;
  scope?: 'user' | 'department';
  monthly_limit_usd: number;
  spent_usd: number;
  warn_ratio: number;
}

export interface BudgetView {
  state: BudgetState;
  monthly_limit_usd: number | null;
  spent_usd: number;
  warn_ratio: number;
  /** The server's own Korean words for this state, when it sent some (they name whose budget). */
  message?: string;
}

export type BudgetAction =
  | { type: 'loaded'; budget: MyBudget }
  | { type: 'warned'; event: BudgetWarningEvent }
  | { type: 'refused'; message: string };

export function isBudgetWarning(ev: { type: string }): ev is BudgetWarningEvent {
  const e = ev as Partial<BudgetWarningEvent>;
  return ev.type === 'budget_warning' && typeof e.spent_usd === 'number' && typeof e.monthly_limit_usd === 'number';
}

/** Whether an API error is the budget's hard stop. */
export function isBudgetRefusal(e: unknown): e is ApiError {
  return e instanceof ApiError && e.code === 'budget_exceeded';
}

export function budgetReducer(view: BudgetView | null, a: BudgetAction): BudgetView | null {
  switch (a.type) {
    case 'loaded': {
      const b = a.budget;
      // The server's words stay only while the state they describe holds.
      const message = view && view.state === b.state && b.state !== 'ok' ? view.message : undefined;
      return { state: b.state, monthly_limit_usd: b.monthly_limit_usd, spent_usd: b.spent_usd, warn_ratio: b.warn_ratio, message };
    }
    case 'warned':
      // A refusal is the stronger news: a late warning from the turn before must not replace it.
      if (view?.state === 'exceeded') return view;
      return {
        state: 'warning',
        monthly_limit_usd: a.event.monthly_limit_usd,
        spent_usd: a.event.spent_usd,
        warn_ratio: a.event.warn_ratio,
        message: a.event.message || undefined,
      };
    case 'refused':
      return {
        state: 'exceeded',
        monthly_limit_usd: view?.monthly_limit_usd ?? null,
        spent_usd: view?.spent_usd ?? 0,
        warn_ratio: view?.warn_ratio ?? 0.8,
        message: a.message,
      };
  }
}

/** The notice to show for a budget state (none while there is room). */
export function budgetNotice(view: BudgetView | null): Pick<BannerItem, 'kind' | 'message'> | null {
  if (!view || view.state === 'ok') return null;
  if (view.state === 'exceeded') return { kind: 'error', message: view.message || t('error.budget_exceeded') };
  if (view.message) return { kind: 'info', message: view.message };
  const limit = view.monthly_limit_usd;
  if (!limit) return { kind: 'info', message: t('error.budget_warning') };
  return {
    kind: 'info',
    message: t('budget.warning', {
      share: Math.round((100 * view.spent_usd) / limit),
      spent: formatCost(view.spent_usd) || '$0',
      limit: formatCost(limit) || '$0',
    }),
  };
}

export interface BudgetApi {
  view: BudgetView | null;
  /** Read GET /api/me/budget again (after a turn, on focus). */
  refresh: () => void;
  warned: (event: BudgetWarningEvent) => void;
  /** A send was refused with 402 budget_exceeded. */
  refused: (e: unknown) => void;
}

export function useBudget(api: ApiClient, banners: Pick<BannersApi, 'push' | 'clear'>): BudgetApi {
  const [view, dispatch] = useReducer(budgetReducer, null);
  const refresh = useCallback(() => {
    // The budget is advice next to the chat: a failed read keeps the last known state and says
    // nothing (the chat's own calls report the server being unreachable).
    myBudget(api).then(
      (budget) => budget && dispatch({ type: 'loaded', budget }),
      () => {},
    );
  }, [api]);
  useEffect(() => {
    refresh();
    // Coming back to the tab is when a raised budget (or a new month) is most likely news.
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, [refresh]);

  const notice = budgetNotice(view);
  const kind = notice?.kind;
  const message = notice?.message;
  const { push, clear } = banners;
  useEffect(() => {
    clear('budget');
    if (kind && message) push(kind, message, undefined, 'budget');
  }, [kind, message, push, clear]);

  const warned = useCallback((event: BudgetWarningEvent) => dispatch({ type: 'warned', event }), []);
  const refused = useCallback((e: unknown) => dispatch({ type: 'refused', message: errorMessage(e).message }), []);
  return { view, refresh, warned, refused };
}
