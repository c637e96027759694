// "내 파일": uploaded files with live status/progress; attach completed ones, delete any.
import { t } from '../messages';
import type { FileItem } from '../files';
import { PHASE_LABELS } from '../files';
import { Icon } from './Icon';
import { UploadButton } from './UploadButton';

interface Props {
  items: FileItem[];
  attachments: readonly string[];
  onUpload: (file: File) => void;
  onToggleAttach: (id: string) => void;
  onDelete: (id: string) => void;
  onClose: () => void;
}

function sizeText(n: number | null): string {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const HANGUL = /[\uac00-\ud7a3]/;

/** Why a file failed (or has no text), in the user's words: the pipeline's reasons are
 * written for operators (English); those become a plain Korean sentence. */
export function reasonText(phase: string, reason: string): string {
  if (HANGUL.test(reason)) return reason;
  return phase === 'failed' ? t('files.failed') : t('files.noText');
}

export function FileRow({ item, attached, onToggleAttach, onDelete }: {
  item: FileItem;
  attached: boolean;
  onToggleAttach: (id: string) => void;
  onDelete: (id: string) => void;
}) {
  const { file, phase, progress, reason } = item;
  const busy = phase === 'uploading' || phase === 'pending' || phase === 'processing';
  return (
    <li className={`file-row file-${phase}`} data-testid="file-row" data-status={phase}>
      <div className="file-head">
        <span className="file-name" title={file.name}>
          {file.name}
        </span>
        <span className={`file-status status-${phase}`} data-testid="file-status">
          {PHASE_LABELS[phase]}
          {busy && ` ${progress}%`}
        </span>
      </div>
      {busy && (
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress}>
          <span style={{ width: `${progress}%` }} />
        </div>
      )}
      <div className="file-meta muted">
        {sizeText(file.size)}
        {phase === 'completed' && file.pages ? ` · ${t('files.pages', { n: file.pages })}` : ''}
        {reason && <span className={phase === 'failed' ? 'file-reason error' : 'file-reason'}> · {reasonText(phase, reason)}</span>}
      </div>
      <div className="file-actions">
        {phase === 'completed' && (
          <button type="button" className={attached ? 'btn small on' : 'btn small'} aria-pressed={attached} onClick={() => onToggleAttach(file.id)}>
            {attached ? t('files.attached') : t('files.attach')}
          </button>
        )}
        <button type="button" className="btn ghost small" aria-label={t('files.delete', { name: file.name })} onClick={() => onDelete(file.id)}>
          <Icon name="trash" size={14} />
        </button>
      </div>
    </li>
  );
}

export function FilesPanel({ items, attachments, onUpload, onToggleAttach, onDelete, onClose }: Props) {
  return (
    <section className="side-panel files-panel" aria-label={t('chat.myFiles')}>
      <header className="panel-head">
        <h2>{t('chat.myFiles')}</h2>
        <UploadButton onFile={onUpload} label={t('files.upload')} />
        <button type="button" className="btn ghost small" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <p className="muted small pad">{t('files.hint')}</p>
      {items.length === 0 && <p className="muted pad">{t('files.empty')}</p>}
      <ul className="file-list">
        {items.map((f) => (
          <FileRow
            key={f.file.id}
            item={f}
            attached={attachments.includes(f.file.id)}
            onToggleAttach={onToggleAttach}
            onDelete={onDelete}
          />
        ))}
      </ul>
    </section>
  );
}
