// Pure state of the user's uploaded files: REST snapshots, the browser's own upload progress
// and the socket's `file.status` events, merged in one reducer so the ordering rules are testable.
import { catalogLabels } from './format';
import type { FileStatusEvent, PortalFile } from './types';

/** What the UI shows for one file. `uploading` exists only in the browser (before S3 has it). */
export type FilePhase = 'uploading' | 'pending' | 'processing' | 'completed' | 'failed';

export interface FileItem {
  file: PortalFile;
  phase: FilePhase;
  /** 0-100: upload progress while uploading, then the server's processing progress. */
  progress: number;
  reason: string | null;
}

export type FilesState = { order: string[]; byId: Record<string, FileItem> };

export const EMPTY_FILES: FilesState = { order: [], byId: {} };

export type FilesAction =
  | { type: 'loaded'; files: PortalFile[] }
  | { type: 'registered'; file: PortalFile }
  | { type: 'upload_progress'; id: string; fraction: number }
  | { type: 'uploaded'; id: string }
  | { type: 'upload_failed'; id: string; reason: string }
  | { type: 'status'; event: FileStatusEvent }
  | { type: 'removed'; id: string };

const TERMINAL: ReadonlySet<FilePhase> = new Set(['completed', 'failed']);
const RANK: Record<FilePhase, number> = { uploading: 0, pending: 1, processing: 2, completed: 3, failed: 3 };

function phaseOf(status: string): FilePhase {
  return status === 'processing' || status === 'completed' || status === 'failed' ? status : 'pending';
}

function clampPct(p: unknown, fallback: number): number {
  if (typeof p !== 'number' || !Number.isFinite(p)) return fallback;
  return Math.max(0, Math.min(100, Math.round(p)));
}

function itemFrom(file: PortalFile): FileItem {
  const phase = phaseOf(file.status);
  return { file, phase, progress: phase === 'completed' ? 100 : clampPct(file.progress, 0), reason: file.reason ?? null };
}

/**
 * Never move a file backwards: socket events and REST snapshots can arrive out of order
 * (e.g. a late `processing` after `completed`), and a finished file stays finished.
 */
function advance(cur: FileItem, next: FileItem): FileItem {
  if (TERMINAL.has(cur.phase) && !TERMINAL.has(next.phase)) return cur;
  if (RANK[next.phase] < RANK[cur.phase]) return cur;
  const progress = next.phase === cur.phase ? Math.max(cur.progress, next.progress) : next.progress;
  return { ...next, progress };
}

export function filesReducer(state: FilesState, action: FilesAction): FilesState {
  switch (action.type) {
    case 'loaded': {
      const byId: Record<string, FileItem> = {};
      for (const f of action.files) {
        const fresh = itemFrom(f);
        const cur = state.byId[f.id];
        byId[f.id] = cur ? advance(cur, fresh) : fresh;
      }
      // Keep local uploads the server does not list yet (the POST /files raced the GET).
      const local = state.order.filter((id) => !byId[id] && state.byId[id]?.phase === 'uploading');
      for (const id of local) byId[id] = state.byId[id];
      return { order: [...local, ...action.files.map((f) => f.id)], byId };
    }
    case 'registered': {
      const item: FileItem = { file: action.file, phase: 'uploading', progress: 0, reason: null };
      const order = [action.file.id, ...state.order.filter((id) => id !== action.file.id)];
      return { order, byId: { ...state.byId, [action.file.id]: item } };
    }
    case 'upload_progress': {
      const cur = state.byId[action.id];
      if (!cur || cur.phase !== 'uploading') return state;
      const progress = clampPct(action.fraction * 100, cur.progress);
      return { ...state, byId: { ...state.byId, [action.id]: { ...cur, progress } } };
    }
    case 'uploaded': {
      const cur = state.byId[action.id];
      // The socket may already have said `processing`/`completed` before the upload's XHR returned.
      if (!cur || cur.phase !== 'uploading') return state;
      return { ...state, byId: { ...state.byId, [action.id]: { ...cur, phase: 'pending', progress: 0 } } };
    }
    case 'upload_failed': {
      const cur = state.byId[action.id];
      if (!cur) return state;
      return {
        ...state,
        byId: { ...state.byId, [action.id]: { ...cur, phase: 'failed', reason: action.reason } },
      };
    }
    case 'status': {
      const ev = action.event;
      const cur = state.byId[ev.file_id];
      // Unknown file (e.g. uploaded from another tab): the next REST refresh lists it.
      if (!cur) return state;
      const phase = phaseOf(ev.status);
      const next: FileItem = {
        file: { ...cur.file, status: phase, progress: clampPct(ev.progress, cur.file.progress) },
        phase,
        progress: phase === 'completed' ? 100 : clampPct(ev.progress, 0),
        reason: ev.reason ?? (phase === 'failed' ? cur.reason : null),
      };
      const merged = advance(cur, next);
      if (merged === cur) return state;
      return { ...state, byId: { ...state.byId, [ev.file_id]: merged } };
    }
    case 'removed': {
      if (!state.byId[action.id]) return state;
      const byId = { ...state.byId };
      delete byId[action.id];
      return { order: state.order.filter((id) => id !== action.id), byId };
    }
  }
}

export function fileList(state: FilesState): FileItem[] {
  return state.order.map((id) => state.byId[id]).filter((x): x is FileItem => !!x);
}

export const PHASE_LABELS = catalogLabels<FilePhase>({
  uploading: 'files.phase.uploading',
  pending: 'files.phase.pending',
  processing: 'files.phase.processing',
  completed: 'files.phase.completed',
  failed: 'files.phase.failed',
});

/** Parse a socket event into a FileStatusEvent, or null if it is not a usable one. */
export function asFileStatus(ev: { type: string; [k: string]: unknown }): FileStatusEvent | null {
  if (ev.type !== 'file.status' || typeof ev.file_id !== 'string' || typeof ev.status !== 'string') return null;
  return {
    type: 'file.status',
    file_id: ev.file_id,
    status: ev.status,
    progress: typeof ev.progress === 'number' ? ev.progress : undefined,
    reason: typeof ev.reason === 'string' ? ev.reason : null,
  };
}

/** A declared MIME type for the browser's File (some OSes leave `.md` untyped). */
export function mimeTypeOf(file: { name: string; type: string }): string {
  if (file.type) return file.type;
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  const byExt: Record<string, string> = {
    md: 'text/markdown',
    markdown: 'text/markdown',
    txt: 'text/plain',
    csv: 'text/csv',
    html: 'text/html',
    htm: 'text/html',
    pdf: 'application/pdf',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
  return byExt[ext] ?? 'application/octet-stream';
}
