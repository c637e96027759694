// Feedback review: what users said about answers (thumbs and comments), newest first, with the
// question, the answer, and which agent and model answered (GET /api/admin/feedback).
import { useCallback, useEffect, useState } from 'react';
import { agentName } from '../../format';
import { t } from '../../messages';
import { Icon } from '../Icon';
import type { AdminApi, FeedbackRating, FeedbackReview } from './adminApi';
import './feedback.css';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
}

/** An answer or question cut to a readable length for a review row (the whole text is in the chat). */
export function excerpt(text: string | null | undefined, max = 160): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function FeedbackPanel({ admin, pushError }: Props) {
  const [rating, setRating] = useState<FeedbackRating | ''>('');
  const [rows, setRows] = useState<FeedbackReview[] | null>(null);
  const [older, setOlder] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    admin.feedback({ rating: rating || undefined }).then((page) => {
      if (!live) return;
      setRows(page.items);
      setOlder(page.next_before);
    }, pushError);
    return () => {
      live = false;
    };
  }, [admin, rating, pushError]);

  const more = useCallback(() => {
    if (!older) return;
    admin.feedback({ rating: rating || undefined, before: older }).then((page) => {
      setRows((r) => [...(r ?? []), ...page.items]);
      setOlder(page.next_before);
    }, pushError);
  }, [admin, rating, older, pushError]);

  return (
    <div className="admin-feedback">
      <div className="admin-filters">
        <label>
          {t('admin.feedback.rating')}
          <select value={rating} onChange={(e) => setRating(e.target.value as FeedbackRating | '')}>
            <option value="">{t('admin.feedback.all')}</option>
            <option value="up">{t('admin.feedback.up')}</option>
            <option value="down">{t('admin.feedback.down')}</option>
          </select>
        </label>
      </div>
      <ul className="feedback-list">
        {rows?.map((r) => (
          <li key={`${r.message_id}:${r.user_empno}`} className={`feedback-item ${r.rating > 0 ? 'up' : 'down'}`} data-message-id={r.message_id}>
            <div className="feedback-head">
              <span className="feedback-rating" role="img" aria-label={t(r.rating > 0 ? 'admin.feedback.up' : 'admin.feedback.down')}>
                <Icon name={r.rating > 0 ? 'thumbUp' : 'thumbDown'} size={16} />
              </span>
              <span>
                {r.user_name ?? r.user_empno} <span className="muted">{r.user_empno}</span>
              </span>
              <span className="muted">{new Date(r.updated_at).toLocaleString('ko-KR')}</span>
            </div>
            <dl className="feedback-body">
              <dt>{t('admin.feedback.comment')}</dt>
              <dd className="feedback-comment">{r.comment ? r.comment : <span className="muted">{t('admin.feedback.noComment')}</span>}</dd>
              <dt>{t('admin.feedback.question')}</dt>
              <dd>{excerpt(r.question) || <span className="muted">—</span>}</dd>
              <dt>{t('admin.feedback.answer')}</dt>
              <dd>{excerpt(r.answer)}</dd>
              <dt>{t('admin.feedback.by')}</dt>
              <dd>
                {agentName(r.agent_type) || '—'} · <code>{r.model_used ?? '—'}</code>
              </dd>
            </dl>
          </li>
        ))}
      </ul>
      {rows && rows.length === 0 && <p className="muted">{t('admin.feedback.empty')}</p>}
      {older && (
        <button type="button" className="btn small" onClick={more}>
          {t('admin.feedback.more')}
        </button>
      )}
    </div>
  );
}
