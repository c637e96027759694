// Display helpers (Korean UI, English where natural).
import type { AgentType, Toggle } from './types';
import { t } from './messages';

export const AGENT_LABELS: Record<AgentType, string> = {
  general: '일반',
  web_search: '웹 검색',
  multimodal_rag: '문서 검색',
  canvas: 'Canvas',
  regulations: '사내 규정',
  legal: '법무',
  accounting: '회계',
  tax: '세무',
};

export const TOGGLE_LABELS: Record<Toggle, string> = {
  web_search: '웹 검색',
  deep_research: '심층 리서치',
  canvas: 'Canvas',
};

/** Names of everything that can answer, agents and the deep-research mode alike. */
const ANSWERER_NAMES: Record<string, string> = { ...AGENT_LABELS, deep_research: '심층 리서치' };

/** The Korean name of an agent (never the raw key such as `deep_research`, unless unknown). */
export function agentName(agent: string | null | undefined): string {
  if (!agent) return '';
  return ANSWERER_NAMES[agent] ?? agent;
}

/** @deprecated name kept for callers: the same as agentName. */
export const agentLabel = agentName;

export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  return `${Math.round(n).toLocaleString('ko-KR')}토큰`;
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

/** "방금", "5분 전", "3시간 전", "어제", else a date. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  const diff = (now.getTime() - t.getTime()) / 1000;
  if (diff < 60) return '방금';
  if (diff < 3600) return `${Math.floor(diff / 60)}분 전`;
  if (diff < 86400) return `${Math.floor(diff / 3600)}시간 전`;
  if (diff < 2 * 86400) return '어제';
  return t.toLocaleDateString('ko-KR', { month: 'short', day: 'numeric' });
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
