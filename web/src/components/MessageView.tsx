// One chat message: user bubble, or assistant answer with meta line, suggestion and sources.
import type { AgentType, Citation, Fallback, Message, ModelInfo, RouteInfo } from '../types';
import { AGENTS } from '../types';
import { Markdown, safeHref } from '../markdown';
import { AGENT_LABELS, agentName, formatCost, formatTokens, modelDisplayName } from '../format';
import { t, type MessageKey } from '../messages';
import { Icon } from './Icon';
import { FileCitationLine } from './FileLink';
import { AnswerActions, UserMessageBody, type TurnControls } from './TurnActions';

interface Props {
  message: Message;
  models?: ModelInfo[];
  /** Copy/regenerate/edit/feedback; absent: the message is shown without controls. */
  controls?: TurnControls;
  onUseAgent?: (agent: AgentType) => void;
  /** Administrators also see the router's English reasons and model fallbacks. */
  isAdmin?: boolean;
}

const HANGUL = /[\uac00-\ud7a3]/;

function modelName(key: string | null | undefined, models?: ModelInfo[]): string {
  if (!key) return '';
  const m = models?.find((x) => x.key === key);
  return m ? modelDisplayName(m) : key === 'offline' ? modelDisplayName({ key, display_name: key }) : key;
}

const DECIDERS: Record<string, MessageKey> = {
  toggle: 'route.toggle',
  explicit: 'route.explicit',
  classifier: 'route.classifier',
  llm: 'route.llm',
  fallback: 'route.fallback',
};

/** Why this agent answered, in plain words, from the route's fields (not its English reason). */
export function routeExplanation(route: RouteInfo | undefined, agent: string | null | undefined): string {
  const name = agentName(route?.agent ?? agent);
  const key = route?.decided_by ? DECIDERS[route.decided_by] : undefined;
  if (!route || !key || !name) return '';
  let text = t(key, { agent: name });
  if (typeof route.confidence === 'number' && Number.isFinite(route.confidence) && route.decided_by !== 'toggle' && route.decided_by !== 'explicit') {
    const pct = route.confidence <= 1 ? route.confidence * 100 : route.confidence;
    text += ` (${t('route.confidence', { pct: Math.round(pct) })})`;
  }
  return text;
}

function WhyThisAgent({ route, agent, isAdmin }: { route: RouteInfo | undefined; agent?: string | null; isAdmin: boolean }) {
  const plain = routeExplanation(route, agent);
  if (!plain) return null;
  const reason = route?.reason?.trim();
  return (
    <details className="why-agent" data-testid="why-agent">
      <summary>{t('route.why')}</summary>
      <p>{plain}</p>
      {isAdmin && reason && (
        <p className="muted" data-testid="route-reason">
          <code>{t('route.adminReason', { reason })}</code>
        </p>
      )}
    </details>
  );
}

export function MetaLine({ message, models, isAdmin = false }: { message: Message; models?: ModelInfo[]; isAdmin?: boolean }) {
  const route = message.metadata?.route;
  const parts = [
    agentName(message.agent_type ?? route?.agent),
    modelName(message.model_used, models),
    formatTokens(message.tokens_used),
    formatCost(message.cost_usd),
  ].filter(Boolean);
  if (parts.length === 0 && !route) return null;
  return (
    <div className="meta" data-testid="meta">
      <span className="meta-main">{parts.join(' · ')}</span>
      <WhyThisAgent route={route} agent={message.agent_type} isAdmin={isAdmin} />
    </div>
  );
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/** A citation of an uploaded file (RAG): `{file_id, name, page}`. */
function isFileCitation(c: Citation): c is Record<string, unknown> {
  return typeof c === 'object' && c !== null && typeof c.file_id === 'string';
}

/** "출처: 파일명 p.N", one line per distinct file and page; each opens the file at its page. */
export function FileCitations({ items }: { items: Record<string, unknown>[] }) {
  const lines = new Map<string, { fileId: string | null; page: number | null }>();
  for (const c of items) {
    const name = str(c.name) ?? str(c.title) ?? t('citation.file');
    const page = typeof c.page === 'number' || (typeof c.page === 'string' && c.page) ? ` p.${String(c.page)}` : '';
    const line = t('citation.line', { name, page });
    const pageNo = Number(c.page);
    if (!lines.has(line)) lines.set(line, { fileId: str(c.file_id), page: Number.isInteger(pageNo) && pageNo > 0 ? pageNo : null });
  }
  return (
    <ul className="file-citations" data-testid="file-citations">
      {[...lines].map(([l, at]) => (
        <FileCitationLine key={l} text={l} fileId={at.fileId} page={at.page} />
      ))}
    </ul>
  );
}

function Citations({ items: all }: { items: Citation[] }) {
  const files = all.filter(isFileCitation);
  const items = all.filter((c) => !isFileCitation(c));
  if (files.length > 0 && !items.length) return <FileCitations items={files} />;
  if (!items.length) return null;
  return (
    <div className="citations">
      <span className="citations-label">{t('citation.label')}</span>
      <ol>
        {items.map((c, i) => {
          if (typeof c === 'string') {
            const href = safeHref(c);
            return <li key={i}>{href ? <a href={href} target="_blank" rel="noopener noreferrer">{c}</a> : c}</li>;
          }
          const url = str(c.url) ?? str(c.uri) ?? str(c.href);
          const title = str(c.title) ?? str(c.name) ?? str(c.source) ?? str(c.document) ?? url ?? t('citation.numbered', { n: i + 1 });
          const page = c.page !== undefined && c.page !== null ? ` p.${String(c.page)}` : '';
          const href = url ? safeHref(url) : null;
          const snippet = str(c.snippet) ?? str(c.text);
          return (
            <li key={i} title={snippet ?? undefined}>
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer">
                  {title}
                </a>
              ) : (
                title
              )}
              {page}
            </li>
          );
        })}
      </ol>
      {files.length > 0 && <FileCitations items={files} />}
    </div>
  );
}

function fallbackText(f: Fallback): string {
  if (typeof f === 'string') return f;
  const from = str(f.from) ?? str(f.model) ?? str(f.provider);
  const to = str(f.to);
  const reason = str(f.reason) ?? str(f.error);
  return [from && to ? `${from} → ${to}` : from ?? to, reason].filter(Boolean).join(': ') || JSON.stringify(f);
}

export function SuggestionNotice({ agent, reason, onUseAgent }: { agent: string; reason?: string | null; onUseAgent?: (a: AgentType) => void }) {
  const known = (AGENTS as readonly string[]).includes(agent) ? (agent as AgentType) : null;
  const label = known ? AGENT_LABELS[known] : agent;
  // The agent's name is bold inside the sentence, wherever the language puts it.
  const [before, after = ''] = t('suggest.better').split('{agent}');
  return (
    <div className="suggestion" role="note">
      <Icon name="bulb" size={16} className="suggestion-icon" />
      <span className="suggestion-text">
        {before}
        <strong>{label}</strong>
        {after}
        {reason ? ` ${reason}` : ''}
      </span>
      {known && onUseAgent && (
        <button type="button" className="btn small" onClick={() => onUseAgent(known)}>
          {t('suggest.use', { agent: label })}
        </button>
      )}
    </div>
  );
}

export function MessageView({ message, models, onUseAgent, isAdmin = false, controls }: Props) {
  if (message.role === 'user') {
    return (
      <div className="msg msg-user" data-role="user">
        <UserMessageBody message={message} controls={controls} />
      </div>
    );
  }
  const md = message.metadata ?? {};
  const citations = Array.isArray(md.citations) ? md.citations : [];
  const fallbacks = Array.isArray(md.fallbacks) ? md.fallbacks : [];
  const failed = message.status === 'failed';
  const stopped = message.status === 'stopped';
  return (
    <div className={failed ? 'msg msg-assistant failed' : 'msg msg-assistant'} data-role="assistant" data-status={message.status}>
      <div className="bubble">
        {failed && <p className="stream-error">⚠ {t('stream.failed')}</p>}
        <Markdown text={message.content} />
        {stopped && (
          <p className="stopped-note muted" data-testid="stopped-note">
            {message.content.trim() ? t('turn.stopped') : t('turn.stoppedEmpty')}
          </p>
        )}
        <Citations items={citations} />
      </div>
      <MetaLine message={message} models={models} isAdmin={isAdmin} />
      <AnswerActions message={message} models={models} controls={controls} />
      {isAdmin && fallbacks.length > 0 && (
        <div className="fallbacks">⚠ {t('stream.fallbacks', { list: fallbacks.map(fallbackText).join(' / ') })}</div>
      )}
      {md.suggestion?.agent && (
        <SuggestionNotice
          agent={md.suggestion.agent}
          reason={isAdmin || HANGUL.test(md.suggestion.reason ?? '') ? md.suggestion.reason : null}
          onUseAgent={onUseAgent}
        />
      )}
    </div>
  );
}

/** The assistant message being streamed for an in-flight turn. */
export function StreamingMessage({ text, done, error }: { text: string; done: boolean; error?: string | null }) {
  return (
    <div className="msg msg-assistant streaming" data-role="assistant" data-streaming={!done || undefined}>
      <div className="bubble">
        {text ? <Markdown text={text} /> : !error && !done && <TypingDots />}
        {!done && text && <span className="cursor" aria-hidden="true" />}
        {error && (
          <p className="stream-error" role="alert">
            ⚠ {t('stream.errorWith', { error })}
          </p>
        )}
      </div>
      {!done && <div className="meta muted">{t('stream.generating')}</div>}
    </div>
  );
}

function TypingDots() {
  return (
    <span className="typing" aria-label={t('stream.waiting')}>
      <span />
      <span />
      <span />
    </span>
  );
}
