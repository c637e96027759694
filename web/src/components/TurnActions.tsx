// Controls on a finished turn: copy, regenerate (same or another model), feedback on an answer;
// edit-and-resend and the branch switcher on a question.
import { useState } from 'react';
import type { Message, MessageFeedback, ModelInfo } from '../types';
import { modelDisplayName } from '../format';
import { t } from '../messages';
import { Icon } from './Icon';

export interface TurnControls {
  /** Regenerate the turn's answer (another model when given). */
  regenerate: (turnId: string, model?: string | null) => void;
  /** Send the edited question as a new branch; false when it was not accepted. */
  edit: (turnId: string, content: string) => Promise<boolean>;
  /** Show the branch through this turn. */
  showBranch: (turnId: string) => void;
  rate: (messageId: string, rating: 'up' | 'down', comment?: string | null) => Promise<MessageFeedback | null>;
  /** False while a turn of this conversation runs, or in a conversation the user only reads. */
  enabled: boolean;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an http origin, an old browser): a hidden textarea still works.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

export function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn ghost tiny"
      data-testid="copy"
      aria-label={copied ? t('turn.copied') : t('turn.copy')}
      title={t('turn.copy')}
      onClick={() =>
        void copyText(text).then((ok) => {
          if (!ok) return;
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      <Icon name="copy" size={14} />
      <span className="action-label">{copied ? t('turn.copied') : t('turn.copy')}</span>
    </button>
  );
}

function FeedbackButtons({ message, rate }: { message: Message; rate: TurnControls['rate'] }) {
  const [mine, setMine] = useState<MessageFeedback | null>(message.my_feedback ?? null);
  const [asking, setAsking] = useState(false);
  const [comment, setComment] = useState(message.my_feedback?.comment ?? '');
  const [thanked, setThanked] = useState(false);
  const choose = async (rating: 'up' | 'down') => {
    const saved = await rate(message.id, rating, mine?.rating === rating ? mine.comment : null);
    if (saved) {
      setMine(saved);
      setAsking(true);
      setThanked(false);
    }
  };
  const send = async () => {
    if (!mine) return;
    const saved = await rate(message.id, mine.rating, comment.trim() || null);
    if (saved) {
      setMine(saved);
      setAsking(false);
      setThanked(true);
    }
  };
  return (
    <>
      <button
        type="button"
        className={mine?.rating === 'up' ? 'btn ghost tiny on' : 'btn ghost tiny'}
        aria-pressed={mine?.rating === 'up'}
        aria-label={t('feedback.up')}
        title={t('feedback.up')}
        data-testid="thumb-up"
        onClick={() => void choose('up')}
      >
        <Icon name="thumbUp" size={14} />
      </button>
      <button
        type="button"
        className={mine?.rating === 'down' ? 'btn ghost tiny on' : 'btn ghost tiny'}
        aria-pressed={mine?.rating === 'down'}
        aria-label={t('feedback.down')}
        title={t('feedback.down')}
        data-testid="thumb-down"
        onClick={() => void choose('down')}
      >
        <Icon name="thumbDown" size={14} />
      </button>
      {thanked && <span className="muted small" role="status">{t('feedback.thanks')}</span>}
      {asking && (
        <form
          className="feedback-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <label className="sr-only" htmlFor={`fb-${message.id}`}>
            {t('feedback.comment')}
          </label>
          <input
            id={`fb-${message.id}`}
            data-testid="feedback-comment"
            placeholder={t('feedback.comment')}
            maxLength={2000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          <button type="submit" className="btn small">
            {t('feedback.send')}
          </button>
        </form>
      )}
    </>
  );
}

/** Under an answer: copy, regenerate (optionally with another model), thumbs. */
export function AnswerActions({ message, models, controls }: { message: Message; models?: ModelInfo[]; controls?: TurnControls }) {
  const [picking, setPicking] = useState(false);
  const turnId = message.turn_id;
  const running = message.status === 'pending' || message.status === 'streaming';
  return (
    <div className="turn-actions" data-testid="answer-actions">
      <CopyButton text={message.content} />
      {controls && turnId && !running && (
        <>
          <button
            type="button"
            className="btn ghost tiny"
            data-testid="regenerate"
            disabled={!controls.enabled}
            title={t('turn.regenerate')}
            onClick={() => controls.regenerate(turnId)}
          >
            <Icon name="redo" size={14} />
            <span className="action-label">{t('turn.regenerate')}</span>
          </button>
          {models && models.length > 1 && (
            <label className="regen-model">
              <span className="sr-only">{t('turn.regenerateWith')}</span>
              <select
                data-testid="regenerate-model"
                disabled={!controls.enabled}
                value=""
                title={t('turn.regenerateWith')}
                onFocus={() => setPicking(true)}
                onBlur={() => setPicking(false)}
                onChange={(e) => {
                  if (e.target.value) controls.regenerate(turnId, e.target.value);
                }}
              >
                <option value="">{picking ? t('turn.regenerateWith') : '⋯'}</option>
                {models.map((m) => (
                  <option key={m.key} value={m.key}>
                    {modelDisplayName(m)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <FeedbackButtons message={message} rate={controls.rate} />
        </>
      )}
    </div>
  );
}

/** "‹ 2 / 3 ›" between the versions of a question (regenerated or edited). */
export function BranchSwitcher({ message, controls }: { message: Message; controls?: TurnControls }) {
  const siblings = message.siblings ?? [];
  const index = message.turn_id ? siblings.indexOf(message.turn_id) : -1;
  if (!controls || siblings.length < 2 || index < 0) return null;
  const go = (i: number) => controls.showBranch(siblings[i]);
  return (
    <span className="branch-switcher" data-testid="branch-switcher">
      <button
        type="button"
        className="btn ghost tiny"
        aria-label={t('turn.prevBranch')}
        disabled={index === 0 || !controls.enabled}
        onClick={() => go(index - 1)}
      >
        <Icon name="left" size={14} />
      </button>
      <span className="branch-index">{t('turn.branch', { index: index + 1, count: siblings.length })}</span>
      <button
        type="button"
        className="btn ghost tiny"
        aria-label={t('turn.nextBranch')}
        disabled={index === siblings.length - 1 || !controls.enabled}
        onClick={() => go(index + 1)}
      >
        <Icon name="right" size={14} />
      </button>
    </span>
  );
}

/** A question: its text, or the editor for edit-and-resend; copy, edit and the branch switcher. */
export function UserMessageBody({ message, controls }: { message: Message; controls?: TurnControls }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const turnId = message.turn_id;
  if (editing && controls && turnId) {
    return (
      <form
        className="edit-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draft.trim()) return;
          void controls.edit(turnId, draft).then((ok) => ok && setEditing(false));
        }}
      >
        <textarea
          data-testid="edit-text"
          aria-label={t('turn.edit')}
          value={draft}
          rows={Math.min(8, Math.max(2, draft.split('\n').length))}
          onChange={(e) => setDraft(e.target.value)}
          autoFocus
        />
        <div className="edit-buttons">
          <button type="button" className="btn small" onClick={() => setEditing(false)}>
            {t('turn.cancel')}
          </button>
          <button type="submit" className="btn small primary" data-testid="edit-send" disabled={!draft.trim() || !controls.enabled}>
            {t('turn.editSend')}
          </button>
        </div>
      </form>
    );
  }
  return (
    <>
      <div className="bubble">
        <div className="user-text">{message.content}</div>
      </div>
      <div className="turn-actions user-actions">
        <BranchSwitcher message={message} controls={controls} />
        <CopyButton text={message.content} />
        {controls && turnId && (
          <button
            type="button"
            className="btn ghost tiny"
            data-testid="edit"
            disabled={!controls.enabled}
            title={t('turn.edit')}
            onClick={() => {
              setDraft(message.content);
              setEditing(true);
            }}
          >
            <Icon name="pencil" size={14} />
            <span className="action-label">{t('turn.edit')}</span>
          </button>
        )}
      </div>
    </>
  );
}
