// Citations of uploaded files open the file itself, at the cited page for PDFs: the portal asks
// for a short-lived presigned link (GET /api/files/{id}/link?page=N) and opens it in a new tab.
import { createContext, useContext } from 'react';
import { t } from '../messages';

/** Opens a file at a page; provided by the portal (absent in tests that render messages alone). */
export type FileOpener = (fileId: string, page: number | null) => void;

export const FileOpenerContext = createContext<FileOpener | null>(null);

export function FileCitationLine({ text, fileId, page }: { text: string; fileId: string | null; page: number | null }) {
  const open = useContext(FileOpenerContext);
  if (!open || !fileId) return <li>{text}</li>;
  return (
    <li>
      <button
        type="button"
        className="file-citation-open"
        title={page ? t('files.openAtPage', { page }) : t('files.open')}
        onClick={() => open(fileId, page)}
      >
        {text}
      </button>
    </li>
  );
}

/** A tab opened at once (inside the click, so no popup blocker) and sent to the link when it arrives. */
export function openInNewTab(link: Promise<string>, onError: (e: unknown) => void): void {
  const tab = window.open('', '_blank');
  if (tab) tab.opener = null;
  link.then(
    (url) => {
      if (tab) tab.location.href = url;
      else window.location.assign(url);
    },
    (e: unknown) => {
      tab?.close();
      onError(e);
    },
  );
}
