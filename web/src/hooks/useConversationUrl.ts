// The open conversation and workspace live in the address (`?c=<id>`, `?w=<id>`), so a reload,
// a shared link and the sign-in round trip (whose return path is the address) reopen them.
// Query parameters rather than paths (/c/<id>): the bundle uses relative asset URLs (vite
// base './') so it works under any path prefix, and a deeper path would break those URLs.
// The app's own moves push a history entry, so Back and Forward move between conversations.
import { useEffect, useRef } from 'react';

const CONV = 'c';
const WORKSPACE = 'w';

export interface UrlTarget {
  conversation: string | null;
  workspace: string | null;
}

function param(p: URLSearchParams, name: string): string | null {
  const v = p.get(name);
  return v && v.trim() ? v.trim() : null;
}

export function targetOfUrl(search: string): UrlTarget {
  const p = new URLSearchParams(search);
  return { conversation: param(p, CONV), workspace: param(p, WORKSPACE) };
}

export function conversationOfUrl(search: string): string | null {
  return targetOfUrl(search).conversation;
}

/** The same address with `?c=` / `?w=` set to the targets (or removed). */
export function urlWithTarget(loc: Pick<Location, 'pathname' | 'search' | 'hash'>, target: UrlTarget): string {
  const p = new URLSearchParams(loc.search);
  for (const [name, id] of [
    [CONV, target.conversation],
    [WORKSPACE, target.workspace],
  ] as const) {
    if (id) p.set(name, id);
    else p.delete(name);
  }
  const q = p.toString();
  return `${loc.pathname}${q ? `?${q}` : ''}${loc.hash}`;
}

export function urlWithConversation(loc: Pick<Location, 'pathname' | 'search' | 'hash'>, id: string | null): string {
  return urlWithTarget(loc, { ...targetOfUrl(loc.search), conversation: id });
}

/** A link to a conversation that anyone who may read it can open. */
export function conversationLink(id: string): string {
  const here = window.location;
  return `${here.origin}${urlWithTarget({ pathname: here.pathname, search: '', hash: '' }, { conversation: id, workspace: null })}`;
}

export function useConversationUrl(
  target: UrlTarget,
  open: { conversation: (id: string | null) => void; workspace: (id: string | null) => void },
): void {
  const restored = useRef(false);
  const synced = useRef(false);
  const openRef = useRef(open);
  openRef.current = open;
  // Set while the app follows the address (restore, Back): that move must not push an entry.
  const following = useRef(false);

  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const first = targetOfUrl(window.location.search);
    following.current = !!(first.workspace || first.conversation);
    if (first.workspace) openRef.current.workspace(first.workspace);
    if (first.conversation) openRef.current.conversation(first.conversation);
    const onPop = () => {
      const now = targetOfUrl(window.location.search);
      following.current = true;
      openRef.current.workspace(now.workspace);
      openRef.current.conversation(now.conversation);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const { conversation, workspace } = target;
  useEffect(() => {
    // The first run sees the mount's state (nothing open): keep the address until the restore lands.
    if (!synced.current) {
      synced.current = true;
      return;
    }
    const next = urlWithTarget(window.location, { conversation, workspace });
    const now = `${window.location.pathname}${window.location.search}${window.location.hash}`;
    const follow = following.current;
    following.current = false;
    if (next === now) return;
    try {
      if (follow) window.history.replaceState(window.history.state, '', next);
      else window.history.pushState(window.history.state, '', next);
    } catch {
      /* some embedded browsers refuse history changes; not fatal */
    }
  }, [conversation, workspace]);
}
