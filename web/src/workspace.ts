// Pure logic of an open workspace: presence (who is here) and artifact edit conflicts.
import { ApiError } from './api';
import { t } from './messages';
import type { Artifact, ArtifactSummary, PresenceUser } from './types';

// ---------------------------------------------------------------------------
// Presence
// ---------------------------------------------------------------------------

export interface PresenceState {
  workspaceId: string | null;
  joined: boolean;
  role: string | null;
  users: PresenceUser[];
}

export const NO_PRESENCE: PresenceState = { workspaceId: null, joined: false, role: null, users: [] };

type Ev = { type: string; [k: string]: unknown };

function userOf(v: unknown): PresenceUser | null {
  if (!v || typeof v !== 'object') return null;
  const u = v as Record<string, unknown>;
  if (typeof u.empno !== 'string' || !u.empno) return null;
  return {
    empno: u.empno,
    name: typeof u.name === 'string' && u.name ? u.name : u.empno,
    joined_at: typeof u.joined_at === 'number' ? u.joined_at : undefined,
    connections: typeof u.connections === 'number' ? u.connections : undefined,
  };
}

/**
 * Apply a socket event to the presence of the open workspace. Events for other workspaces
 * (a socket may be in several, and a late event can follow a switch) are ignored.
 */
export function presenceReducer(state: PresenceState, ev: Ev): PresenceState {
  if (!state.workspaceId || ev.workspace_id !== state.workspaceId) return state;
  switch (ev.type) {
    case 'presence': {
      if (ev.joined === false) return { ...state, joined: false, role: null, users: [] };
      const users = Array.isArray(ev.users) ? ev.users.map(userOf).filter((u): u is PresenceUser => !!u) : [];
      return { ...state, joined: true, role: typeof ev.role === 'string' ? ev.role : null, users };
    }
    case 'user_joined': {
      const u = userOf(ev);
      if (!u || state.users.some((x) => x.empno === u.empno)) return state;
      return { ...state, users: [...state.users, u] };
    }
    case 'user_left': {
      const empno = typeof ev.empno === 'string' ? ev.empno : null;
      if (!empno || !state.users.some((x) => x.empno === empno)) return state;
      return { ...state, users: state.users.filter((x) => x.empno !== empno) };
    }
    default:
      return state;
  }
}

// ---------------------------------------------------------------------------
// Artifacts
// ---------------------------------------------------------------------------

/** Text of an artifact's content for the viewer/editor (objects as pretty JSON). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return '';
  try {
    return JSON.stringify(content, null, 2);
  } catch {
    return String(content);
  }
}

/** `document`/`code` are text; the other types hold JSON, so the edited text is parsed back. */
export function contentFromText(type: string, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (type === 'document' || type === 'code') return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: t('workspace.badJson') };
  }
}

/** The current version carried by a 409 `stale_version`, or null for any other error. */
export function staleCurrent(err: unknown): Artifact | null {
  if (!(err instanceof ApiError) || err.status !== 409 || err.code !== 'stale_version') return null;
  const cur = err.details?.current;
  if (!cur || typeof cur !== 'object') return null;
  const a = cur as Partial<Artifact>;
  return typeof a.id === 'string' && typeof a.version === 'number' ? (cur as Artifact) : null;
}

/** Editor of one artifact: the draft is always based on a known version. */
export interface EditState {
  /** The version the draft started from (sent as `base_version`). */
  base: Artifact;
  draft: string;
  /** Someone saved a newer version while the user edits (live or from a 409). */
  conflict: Artifact | null;
}

export function startEdit(current: Artifact): EditState {
  return { base: current, draft: contentText(current.content), conflict: null };
}

/** A newer version arrived (socket or 409): keep the user's draft, remember what changed. */
export function noteNewer(edit: EditState, current: Artifact): EditState {
  if (current.id !== edit.base.id || current.version <= edit.base.version) return edit;
  if (edit.conflict && edit.conflict.version >= current.version) return edit;
  return { ...edit, conflict: current };
}

/** Re-apply the user's draft on top of the newer version (the next save is based on it). */
export function reapply(edit: EditState): EditState {
  if (!edit.conflict) return edit;
  return { base: edit.conflict, draft: edit.draft, conflict: null };
}

/** Discard the draft and continue from the newer version. */
export function takeTheirs(edit: EditState): EditState {
  return edit.conflict ? startEdit(edit.conflict) : edit;
}

/** Merge an `artifact.updated` payload into the list (newest version wins, newest first). */
export function upsertArtifact(list: ArtifactSummary[], a: ArtifactSummary): ArtifactSummary[] {
  const cur = list.find((x) => x.id === a.id);
  if (cur && cur.version >= a.version) return list;
  return [a, ...list.filter((x) => x.id !== a.id)];
}

/** Parse an `artifact.updated` event's artifact (content may be omitted when large). */
export function artifactOfEvent(ev: Ev): (ArtifactSummary & { content?: unknown; content_omitted?: boolean }) | null {
  if (ev.type !== 'artifact.updated' || typeof ev.workspace_id !== 'string') return null;
  const a = ev.artifact as Partial<Artifact> | undefined;
  if (!a || typeof a.id !== 'string' || typeof a.version !== 'number') return null;
  return { ...(a as Artifact), workspace_id: ev.workspace_id };
}
