import { describe, expect, it } from 'vitest';
import { groupConversations, groupOf } from './convGroups';
import type { Conversation } from './types';

const now = new Date(2026, 11, 1, 9, 30); // 1 Dec 2026, 09:30 local

function conv(id: string, at: Date): Conversation {
  return { id, title: id, workspace_id: null, created_at: at.toISOString(), updated_at: at.toISOString() };
}

describe('groupOf', () => {
  it('uses calendar days, not 24-hour spans', () => {
    expect(groupOf(new Date(2026, 11, 1, 0, 5), now).label).toBe('오늘');
    expect(groupOf(new Date(2026, 10, 30, 23, 59), now).label).toBe('어제');
    expect(groupOf(new Date(2026, 10, 29, 12, 0), now).label).toBe('지난 7일');
    expect(groupOf(new Date(2026, 10, 24, 12, 0), now).label).toBe('지난 7일');
    expect(groupOf(new Date(2026, 10, 23, 12, 0), now).label).toBe('지난 30일');
    expect(groupOf(new Date(2026, 9, 31, 12, 0), now).label).toBe('2026년 10월');
    expect(groupOf(new Date(2025, 11, 31, 12, 0), now).label).toBe('2025년 12월');
  });
});

describe('groupConversations', () => {
  it('orders by activity and keeps each group together', () => {
    const groups = groupConversations(
      [
        conv('old', new Date(2026, 8, 3)),
        conv('today', new Date(2026, 11, 1, 8)),
        conv('yday', new Date(2026, 10, 30, 10)),
        conv('today2', new Date(2026, 11, 1, 9)),
      ],
      now,
    );
    expect(groups.map((g) => [g.label, g.items.map((c) => c.id)])).toEqual([
      ['오늘', ['today2', 'today']],
      ['어제', ['yday']],
      ['2026년 9월', ['old']],
    ]);
  });
});
