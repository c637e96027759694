// Date groups of the conversation list (오늘, 어제, 지난 7일, 지난 30일, then by month), by the
// viewer's local calendar days: "어제" is the day before today here, not 24 hours ago.
import { t } from './messages';
import type { Conversation } from './types';

export interface ConvGroup {
  key: string;
  label: string;
  items: Conversation[];
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

const DAY = 86_400_000;

/** The group a moment falls in, relative to `now`. */
export function groupOf(at: Date, now: Date): { key: string; label: string } {
  // Whole calendar days between the two dates (a DST change moves midnight by an hour: round).
  const days = Math.round((startOfDay(now) - startOfDay(at)) / DAY);
  if (days <= 0) return { key: 'today', label: t('convs.today') };
  if (days === 1) return { key: 'yesterday', label: t('convs.yesterday') };
  if (days <= 7) return { key: 'last7', label: t('convs.last7') };
  if (days <= 30) return { key: 'last30', label: t('convs.last30') };
  const year = at.getFullYear();
  const month = at.getMonth() + 1;
  return { key: `${year}-${month}`, label: t('convs.month', { year, month }) };
}

/** Conversations, most recently active first, in consecutive date groups. */
export function groupConversations(items: readonly Conversation[], now: Date = new Date()): ConvGroup[] {
  const sorted = [...items].sort((a, b) => (b.updated_at ?? '').localeCompare(a.updated_at ?? ''));
  const groups: ConvGroup[] = [];
  for (const c of sorted) {
    const at = new Date(c.updated_at || c.created_at);
    const g = Number.isNaN(at.getTime()) ? { key: 'today', label: t('convs.today') } : groupOf(at, now);
    const last = groups[groups.length - 1];
    if (last && last.key === g.key) last.items.push(c);
    else groups.push({ ...g, items: [c] });
  }
  return groups;
}
