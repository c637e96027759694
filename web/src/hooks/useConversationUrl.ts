// The open conversation lives in the address (`?c=<id>`), so a reload, a shared link and the
// sign-in round trip (whose return path is the address) all reopen it.
import { useEffect, useRef } from 'react';

const PARAM = 'c';

export function conversationOfUrl(search: string): string | null {
  const id = new URLSearchParams(search).get(PARAM);
  return id && id.trim() ? id : null;
}

/** The same address with `?c=` set to the conversation (or removed for a new chat). */
export function urlWithConversation(loc: Pick<Location, 'pathname' | 'search' | 'hash'>, id: string | null): string {
  const p = new URLSearchParams(loc.search);
  if (id) p.set(PARAM, id);
  else p.delete(PARAM);
  const q = p.toString();
  return `${loc.pathname}${q ? `?${q}` : ''}${loc.hash}`;
}

export function useConversationUrl(activeId: string | null, open: (id: string) => void): void {
  const restored = useRef(false);
  const synced = useRef(false);
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const id = conversationOfUrl(window.location.search);
    if (id) openRef.current(id);
    // Only once, on mount: later the address follows the app, not the other way round.
  }, []);

  useEffect(() => {
    // The first run sees the mount's activeId (null): keep the address until the restore lands.
    if (!synced.current) {
      synced.current = true;
      return;
    }
    const next = urlWithConversation(window.location, activeId);
    const now = `${window.location.pathname}${window.location.search}${window.location.hash}`;
    if (next === now) return;
    try {
      window.history.replaceState(window.history.state, '', next);
    } catch {
      /* some embedded browsers refuse replaceState; not fatal */
    }
  }, [activeId]);
}
