import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it, vi } from 'vitest';
import type { AdminApi, FeedbackReview } from './adminApi';
import { excerpt, FeedbackPanel } from './FeedbackPanel';

const ROW: FeedbackReview = {
  message_id: 'm1',
  user_empno: 'E1001',
  user_name: '홍길동',
  rating: -1,
  comment: '표가 빠졌어요',
  created_at: '2026-12-01T07:00:00Z',
  updated_at: '2026-12-01T07:00:00Z',
  conversation_id: 'c1',
  agent_type: 'general',
  model_used: 'claude-haiku-4-5',
  answer: '답변입니다.',
  question: '출장비 기준은?',
};

const settle = () =>
  act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });

describe('feedback review', () => {
  it('cuts long texts to a length and flattens whitespace', () => {
    expect(excerpt('가\n\n나  다')).toBe('가 나 다');
    expect(excerpt('가'.repeat(200), 10)).toBe(`${'가'.repeat(9)}…`);
    expect(excerpt(null)).toBe('');
  });

  it('lists what the API gives and asks again with the rating filter', async () => {
    const feedback = vi.fn(async () => ({ items: [ROW], next_before: null }));
    const admin = { feedback } as unknown as AdminApi;
    const el = document.createElement('div');
    const root = createRoot(el);
    act(() => root.render(<FeedbackPanel admin={admin} pushError={() => {}} />));
    await settle();
    expect(feedback).toHaveBeenLastCalledWith({ rating: undefined });
    const item = el.querySelector('.feedback-item.down');
    expect(item?.textContent).toContain('표가 빠졌어요');
    expect(item?.textContent).toContain('출장비 기준은?');
    expect(item?.textContent).toContain('일반');
    expect(item?.textContent).toContain('claude-haiku-4-5');
    const select = el.querySelector('select') as HTMLSelectElement;
    await act(async () => {
      select.value = 'down';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(feedback).toHaveBeenLastCalledWith({ rating: 'down' });
    expect(el.querySelector('button')).toBeNull(); // no older page
    act(() => root.unmount());
  });
});
