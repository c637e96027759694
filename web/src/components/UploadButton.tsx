// A button that opens the file chooser (the <input type=file> itself is visually hidden).
import { useRef } from 'react';
import { Icon } from './Icon';

const ACCEPT = '.pdf,.docx,.pptx,.xlsx,.csv,.txt,.md,.markdown,.html,.htm,.png,.jpg,.jpeg,.gif,.webp';

export function UploadButton({ onFile, label, compact }: { onFile: (f: File) => void; label: string; compact?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        className="sr-only"
        accept={ACCEPT}
        multiple
        aria-label={label}
        data-testid="file-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = ''; // choosing the same file again fires change again
          files.forEach(onFile);
        }}
      />
      <button
        type="button"
        className={compact ? 'chip upload-btn' : 'btn small upload-btn'}
        title={label}
        onClick={() => input.current?.click()}
      >
        <Icon name="clip" size={14} />
        {compact ? <span className="sr-only">{label}</span> : label}
      </button>
    </>
  );
}
