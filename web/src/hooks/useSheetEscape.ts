// On a phone the files and workspace panels are a sheet over the page (styles.css, max-width
// 768px), so Escape closes it as it closes every dialog. A dialog above the sheet, or a key
// something else already consumed (the composer's template menu), keeps its Escape.
import { useEffect, useRef } from 'react';

export const SHEET_QUERY = '(max-width: 768px)';

export function useSheetEscape(open: boolean, close: () => void): void {
  const latest = useRef(close);
  latest.current = close;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (!window.matchMedia(SHEET_QUERY).matches) return; // beside the chat on a desktop
      if (document.querySelector('[role="dialog"]')) return;
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}
