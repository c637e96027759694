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
        {phase === 'completed' && file.pages ? ` · ${file.pages}쪽` : ''}
        {reason && <span className={phase === 'failed' ? 'file-reason error' : 'file-reason'}> · {reasonText(phase, reason)}</span>}
      </div>
      <div className="file-actions">
        {phase === 'completed' && (
          <button type="button" className={attached ? 'btn small on' : 'btn small'} aria-pressed={attached} onClick={() => onToggleAttach(file.id)}>
            {attached ? '첨부됨' : '첨부'}
          </button>
        )}
        <button type="button" className="btn ghost small" aria-label={`${file.name} 삭제`} onClick={() => onDelete(file.id)}>
          <Icon name="trash" size={14} />
        </button>
      </div>
    </li>
  );
}

export function FilesPanel({ items, attachments, onUpload, onToggleAttach, onDelete, onClose }: Props) {
  return (
    <section className="side-panel files-panel" aria-label="내 파일">
      <header className="panel-head">
        <h2>내 파일</h2>
        <UploadButton onFile={onUpload} label="파일 업로드" />
        <button type="button" className="btn ghost small" aria-label="닫기" onClick={onClose}>
          ×
        </button>
      </header>
      <p className="muted small pad">완료된 파일을 첨부하면 그 파일 내용으로 답변합니다.</p>
      {items.length === 0 && <p className="muted pad">업로드한 파일이 없습니다.</p>}
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
