// Message list of the open conversation plus the in-flight (streaming) turn.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { AgentType, Message, ModelInfo } from '../types';
import { MessageView, StreamingMessage } from './MessageView';
import type { TurnControls } from './TurnActions';
import { t } from '../messages';

export interface PendingView {
  /** Optimistic copy of the user's message until the stored list includes it. */
  userMessage: Message | null;
  text: string;
  done: boolean;
  error?: string | null;
}

interface Props {
  messages: Message[];
  loading: boolean;
  pending: PendingView | null;
  models?: ModelInfo[];
  onUseAgent?: (agent: AgentType) => void;
  userName?: string;
  isAdmin?: boolean;
  controls?: TurnControls;
}

export function ChatPane({ messages, loading, pending, models, onUseAgent, userName, isAdmin, controls }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });

  // A new conversation or a freshly sent message always scrolls to the bottom.
  useEffect(() => {
    stick.current = true;
  }, [pending?.userMessage?.id]);

  const empty = !loading && messages.length === 0 && !pending;

  return (
    <div className="chat-scroll" ref={scroller} onScroll={onScroll}>
      <div className="chat-inner">
        {empty && (
          <div className="welcome">
            <h2>{userName ? t('chat.greetingNamed', { name: userName }) : t('chat.greeting')}</h2>
            <p className="muted">{t('chat.intro')}</p>
          </div>
        )}
        {loading && messages.length === 0 && <p className="muted center">{t('chat.loadingMessages')}</p>}
        {messages.map((m) => (
          <MessageView key={m.id} message={m} models={models} onUseAgent={onUseAgent} isAdmin={isAdmin} controls={controls} />
        ))}
        {pending?.userMessage && <MessageView message={pending.userMessage} />}
        {pending && <StreamingMessage text={pending.text} done={pending.done} error={pending.error} />}
      </div>
    </div>
  );
}
