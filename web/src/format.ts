// Display helpers (Korean UI, English where natural).
import type { AgentType, Toggle } from './types';
import { currentLocale, t, type MessageKey } from './messages';

/**
 * A record whose values are read from the catalog when used (getters), so a label follows
 * the current locale instead of the one in force when the module loaded.
 */
export function catalogLabels<K extends string>(keys: Record<K, MessageKey>): Readonly<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const k of Object.keys(keys) as K[]) {
    Object.defineProperty(out, k, { get: () => t(keys[k]), enumerable: true });
  }
  return out;
}

export const AGENT_LABELS = catalogLabels<AgentType>({
  general: 'agent.general',
  web_search: 'agent.web_search',
  multimodal_rag: 'agent.multimodal_rag',
  canvas: 'agent.canvas',
  regulations: 'agent.regulations',
  legal: 'agent.legal',
  accounting: 'agent.accounting',
  tax: 'agent.tax',
});

export const TOGGLE_LABELS = catalogLabels<Toggle>({
  web_search: 'toggle.web_search',
  deep_research: 'toggle.deep_research',
  canvas: 'toggle.canvas',
});

/** Names of everything that can answer, agents and the deep-research mode alike. */
const ANSWERER_NAMES: Readonly<Record<string, string>> = catalogLabels<string>({
  general: 'agent.general',
  web_search: 'agent.web_search',
  multimodal_rag: 'agent.multimodal_rag',
  canvas: 'agent.canvas',
  regulations: 'agent.regulations',
  legal: 'agent.legal',
  accounting: 'agent.accounting',
  tax: 'agent.tax',
  deep_research: 'agent.deep_research',
});

function dateLocale(): string {
  return currentLocale() === 'en' ? 'en-US' : 'ko-KR';
}

/** The Korean name of an agent (never the raw key such as `deep_research`, unless unknown). */
export function agentName(agent: string | null | undefined): string {
  if (!agent) return '';
  return Object.hasOwn(ANSWERER_NAMES, agent) ? ANSWERER_NAMES[agent] : agent;
}

/** @deprecated name kept for callers: the same as agentName. */
export const agentLabel = agentName;

export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  return t('format.tokens', { n: Math.round(n).toLocaleString(dateLocale()) });
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '';
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatContextWindow(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '';
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1000) return `${Math.round(n / 1000)}K`;
  return String(n);
}

export function formatPrice(perMTok: number): string {
  if (!Number.isFinite(perMTok)) return '';
  return `$${+perMTok.toFixed(3)}`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday" (in the catalog's words), else a date. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const diff = (now.getTime() - at.getTime()) / 1000;
  if (diff < 60) return t('time.justNow');
  if (diff < 3600) return t('time.minutesAgo', { n: Math.floor(diff / 60) });
  if (diff < 86400) return t('time.hoursAgo', { n: Math.floor(diff / 3600) });
  if (diff < 2 * 86400) return t('time.yesterday');
  return at.toLocaleDateString(dateLocale(), { month: 'short', day: 'numeric' });
}

/** Conversation title from the first message: first line, at most 40 characters. */
export function titleFrom(content: string): string {
  const first = content.trim().split('\n')[0]?.trim() ?? '';
  return first.length > 40 ? `${first.slice(0, 40)}…` : first;
}

/** A model's name as shown: the catalog's, except the offline stand-in, which says what it is. */
export function modelDisplayName(m: { key: string; provider?: string; display_name: string }): string {
  return m.provider === 'offline' || m.key === 'offline' ? t('model.offline') : m.display_name;
}
