// The user's files: list, upload (register + presigned POST), live status, delete, attach.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { ApiError, uploadToPresigned, type ApiClient } from '../api';
import { asFileStatus, EMPTY_FILES, fileList, filesReducer, mimeTypeOf, type FileItem } from '../files';
import type { ServerEvent } from '../types';

/** Socket events can be missed (reconnects): while a file is in flight, re-read the list. */
const POLL_MS = 4000;

export interface FilesApi {
  items: FileItem[];
  attachments: string[];
  upload: (file: File) => Promise<void>;
  remove: (id: string) => Promise<void>;
  toggleAttach: (id: string) => void;
  clearAttachments: () => void;
  onEvent: (ev: ServerEvent) => void;
  refresh: () => Promise<void>;
}

export function useFiles(api: ApiClient, pushError: (e: unknown) => void, workspaceId: string | null): FilesApi {
  const [state, dispatch] = useReducer(filesReducer, EMPTY_FILES);
  const [attachments, setAttachments] = useState<string[]>([]);
  const wsRef = useRef(workspaceId);
  wsRef.current = workspaceId;

  const refresh = useCallback(async () => {
    try {
      dispatch({ type: 'loaded', files: await api.listFiles() });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) pushError(e);
    }
  }, [api, pushError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const items = fileList(state);
  const inFlight = items.some((f) => f.phase === 'pending' || f.phase === 'processing');
  useEffect(() => {
    if (!inFlight) return;
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [inFlight, refresh]);

  // Only completed files may be attached; drop ids whose file vanished or failed.
  useEffect(() => {
    setAttachments((ids) => {
      const keep = ids.filter((id) => state.byId[id]?.phase === 'completed');
      return keep.length === ids.length ? ids : keep;
    });
  }, [state]);

  const upload = useCallback(
    async (file: File) => {
      let reg;
      try {
        reg = await api.createFile({
          name: file.name,
          size: file.size,
          type: mimeTypeOf(file),
          ...(wsRef.current ? { workspace_id: wsRef.current } : {}),
        });
      } catch (e) {
        pushError(e); // 415 type, 413 size/quota, 400 name: the server's message is shown
        return;
      }
      const id = reg.file.id;
      dispatch({ type: 'registered', file: reg.file });
      try {
        await uploadToPresigned(reg.upload, file, (fraction) => dispatch({ type: 'upload_progress', id, fraction }));
        dispatch({ type: 'uploaded', id });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        dispatch({ type: 'upload_failed', id, reason: msg });
        pushError(e);
      }
    },
    [api, pushError],
  );

  const remove = useCallback(
    async (id: string) => {
      try {
        await api.deleteFile(id);
        dispatch({ type: 'removed', id });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) dispatch({ type: 'removed', id });
        else pushError(e);
      }
    },
    [api, pushError],
  );

  const toggleAttach = useCallback(
    (id: string) => {
      if (state.byId[id]?.phase !== 'completed') return;
      setAttachments((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(0, 20)));
    },
    [state],
  );

  const clearAttachments = useCallback(() => setAttachments([]), []);

  const stateRef = useRef(state);
  stateRef.current = state;
  const onEvent = useCallback(
    (ev: ServerEvent) => {
      const st = asFileStatus(ev as unknown as { type: string; [k: string]: unknown });
      if (!st) return;
      // A file this tab does not know (uploaded elsewhere): the list has it.
      if (!stateRef.current.byId[st.file_id]) void refresh();
      else dispatch({ type: 'status', event: st });
    },
    [refresh],
  );

  return { items, attachments, upload, remove, toggleAttach, clearAttachments, onEvent, refresh };
}
