import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../api';
import type { MyBudget } from '../components/admin/adminApi';
import { budgetNotice, budgetReducer, isBudgetRefusal, isBudgetWarning, useBudget, type BudgetWarningEvent } from './useBudget';
import { bannersReducer } from './useBanners';
import type { BannerItem } from '../components/Banners';
import type { BudgetApi } from './useBudget';

/** Lets promises settle inside act (the hook reads the budget asynchronously). */
const settle = () =>
  act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });

const WARNING: BudgetWarningEvent = {
  type: 'budget_warning',
  code: 'budget_warning',
  message: '이번 달 내 사용 예산의 85%($0.85 / $1.00)를 사용했습니다.',
  turn_id: 't1',
  scope: 'user',
  monthly_limit_usd: 1,
  spent_usd: 0.85,
  warn_ratio: 0.8,
};
const REFUSAL = '이번 달 내 사용 예산(월 $1.00)을 모두 사용해 더 이상 답변할 수 없습니다. 관리자에게 예산 증액을 요청해 주세요.';
const budget = (state: MyBudget['state'], spent: number, limit: number | null = 1): MyBudget => ({
  state,
  spent_usd: spent,
  monthly_limit_usd: limit,
  warn_ratio: 0.8,
  scope: 'user',
});

describe('the budget state the chat shows', () => {
  it('recognises the socket warning and the 402 refusal', () => {
    expect(isBudgetWarning(WARNING)).toBe(true);
    expect(isBudgetWarning({ type: 'budget_warning' })).toBe(false); // no figures: not one
    expect(isBudgetWarning({ type: 'done' })).toBe(false);
    expect(isBudgetRefusal(new ApiError(402, 'budget_exceeded', REFUSAL))).toBe(true);
    expect(isBudgetRefusal(new ApiError(429, 'rate_limited', '…'))).toBe(false);
  });

  it('a warning shows the server Korean words; the read state builds its own', () => {
    const warned = budgetReducer(null, { type: 'warned', event: WARNING });
    expect(budgetNotice(warned)).toEqual({ kind: 'info', message: WARNING.message });
    const read = budgetReducer(null, { type: 'loaded', budget: budget('warning', 0.9) });
    expect(budgetNotice(read)).toEqual({ kind: 'info', message: '이번 달 사용 예산의 90%($0.9000 / $1.00)를 사용했습니다.' });
  });

  it('a refusal wins over a late warning and clears when the budget has room again', () => {
    let v = budgetReducer(null, { type: 'refused', message: REFUSAL });
    v = budgetReducer(v, { type: 'warned', event: WARNING });
    expect(budgetNotice(v)).toEqual({ kind: 'error', message: REFUSAL });
    // Still exceeded when read: the server's words stay.
    v = budgetReducer(v, { type: 'loaded', budget: budget('exceeded', 1.2) });
    expect(budgetNotice(v)?.message).toBe(REFUSAL);
    // An administrator raised the budget: no notice.
    v = budgetReducer(v, { type: 'loaded', budget: budget('ok', 1.2, 10) });
    expect(budgetNotice(v)).toBeNull();
    expect(budgetNotice(budgetReducer(null, { type: 'loaded', budget: budget('ok', 0, null) }))).toBeNull();
  });
});

describe('useBudget with the banners', () => {
  function harness(reads: MyBudget[]) {
    let items: BannerItem[] = [];
    let id = 0;
    const banners = {
      push: vi.fn((kind: BannerItem['kind'], message: string, _cid?: string, condition?: BannerItem['condition']) => {
        items = bannersReducer(items, { type: 'pushed', item: { id: ++id, kind, message, condition } });
      }),
      clear: vi.fn((condition: NonNullable<BannerItem['condition']>) => {
        items = bannersReducer(items, { type: 'cleared', condition });
      }),
    };
    const call = vi.fn(async () => reads.shift() ?? null);
    const api = { call } as unknown as ApiClient;
    const hook: { result: { current: BudgetApi } } = { result: { current: null as unknown as BudgetApi } };
    function Harness() {
      hook.result.current = useBudget(api, banners);
      return null;
    }
    const root = createRoot(document.createElement('div'));
    act(() => root.render(<Harness />));
    return { hook, call, items: () => items };
  }

  it('shows the refusal until a read says there is room, then the notice goes by itself', async () => {
    const h = harness([budget('ok', 0), budget('exceeded', 1.1), budget('ok', 1.1, 10)]);
    await settle();
    expect(h.call).toHaveBeenCalledTimes(1);
    expect(h.items()).toEqual([]);

    act(() => h.hook.result.current.refused(new ApiError(402, 'budget_exceeded', REFUSAL)));
    expect(h.items().map((b) => [b.kind, b.message, b.condition])).toEqual([['error', REFUSAL, 'budget']]);

    act(() => h.hook.result.current.refresh()); // still exceeded
    await settle();
    expect(h.hook.result.current.view?.spent_usd).toBe(1.1);
    expect(h.items().map((b) => b.message)).toEqual([REFUSAL]);

    act(() => h.hook.result.current.refresh()); // raised by an administrator
    await settle();
    expect(h.hook.result.current.view?.state).toBe('ok');
    expect(h.items()).toEqual([]);
  });

  it('a warning replaces the previous one instead of stacking', async () => {
    const h = harness([budget('ok', 0)]);
    await settle();
    act(() => h.hook.result.current.warned(WARNING));
    act(() => h.hook.result.current.warned({ ...WARNING, spent_usd: 0.9, message: '이번 달 내 사용 예산의 90%를 사용했습니다.' }));
    expect(h.items().map((b) => b.message)).toEqual(['이번 달 내 사용 예산의 90%를 사용했습니다.']);
  });
});
