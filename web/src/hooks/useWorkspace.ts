// The open workspace: list/create, join/leave over the socket, presence, artifacts (live).
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient } from '../api';
import type { ArtifactSummary, ServerEvent, Workspace } from '../types';
import type { PortalSocket } from '../ws';
import { artifactOfEvent, NO_PRESENCE, presenceReducer, upsertArtifact, type PresenceState } from '../workspace';

export interface ArtifactUpdate {
  artifact: ArtifactSummary & { content?: unknown; content_omitted?: boolean };
  by: string | null;
}

export interface WorkspaceApi {
  workspaces: Workspace[];
  loading: boolean;
  active: Workspace | null;
  presence: PresenceState;
  artifacts: ArtifactSummary[];
  /** Last `artifact.updated` seen for the open workspace (the viewer reacts to it). */
  lastUpdate: ArtifactUpdate | null;
  open: (id: string | null) => void;
  create: (title: string) => Promise<void>;
  createArtifact: (title: string) => Promise<string | null>;
  onEvent: (ev: ServerEvent) => void;
  /** Re-join after the socket reconnected (the server forgot this socket's workspaces). */
  rejoin: () => void;
}

export function useWorkspace(api: ApiClient, socket: PortalSocket | null, pushError: (e: unknown) => void): WorkspaceApi {
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [loading, setLoading] = useState(true);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [presence, setPresence] = useState<PresenceState>(NO_PRESENCE);
  const [artifacts, setArtifacts] = useState<ArtifactSummary[]>([]);
  const [lastUpdate, setLastUpdate] = useState<ArtifactUpdate | null>(null);
  const activeRef = useRef<string | null>(null);

  const report = useCallback(
    (e: unknown) => {
      if (!(e instanceof ApiError && e.status === 401)) pushError(e);
    },
    [pushError],
  );

  useEffect(() => {
    api.listWorkspaces().then(setWorkspaces, report).finally(() => setLoading(false));
  }, [api, report]);

  const loadArtifacts = useCallback(
    async (id: string) => {
      try {
        const items = await api.listArtifacts(id);
        if (activeRef.current === id) setArtifacts(items);
      } catch (e) {
        report(e);
      }
    },
    [api, report],
  );

  const open = useCallback(
    (id: string | null) => {
      const prev = activeRef.current;
      if (prev === id) return;
      if (prev) socket?.send({ action: 'leave', workspace_id: prev });
      activeRef.current = id;
      setActiveId(id);
      setArtifacts([]);
      setLastUpdate(null);
      setPresence(id ? { ...NO_PRESENCE, workspaceId: id } : NO_PRESENCE);
      if (id) {
        // If the socket is not open yet, `rejoin` on its next `open` sends the join.
        socket?.send({ action: 'join', workspace_id: id });
        void loadArtifacts(id);
      }
    },
    [socket, loadArtifacts],
  );

  const rejoin = useCallback(() => {
    const id = activeRef.current;
    if (id) socket?.send({ action: 'join', workspace_id: id });
  }, [socket]);

  const create = useCallback(
    async (title: string) => {
      try {
        const ws = await api.createWorkspace({ title });
        setWorkspaces((all) => [ws, ...all.filter((w) => w.id !== ws.id)]);
        open(ws.id);
      } catch (e) {
        report(e);
      }
    },
    [api, open, report],
  );

  const createArtifact = useCallback(
    async (title: string): Promise<string | null> => {
      const id = activeRef.current;
      if (!id) return null;
      try {
        const a = await api.createArtifact(id, { type: 'document', title, content: '' });
        setArtifacts((list) => upsertArtifact(list, a));
        return a.id;
      } catch (e) {
        report(e);
        return null;
      }
    },
    [api, report],
  );

  const onEvent = useCallback((ev: ServerEvent) => {
    const e = ev as unknown as { type: string; [k: string]: unknown };
    if (e.type === 'presence' || e.type === 'user_joined' || e.type === 'user_left') {
      setPresence((p) => presenceReducer(p, e));
      return;
    }
    const a = artifactOfEvent(e);
    if (a && a.workspace_id === activeRef.current) {
      setArtifacts((list) => upsertArtifact(list, a));
      const by = e.by && typeof e.by === 'object' ? (e.by as { name?: unknown }).name : null;
      setLastUpdate({ artifact: a, by: typeof by === 'string' ? by : null });
    }
  }, []);

  const active = workspaces.find((w) => w.id === activeId) ?? null;
  return { workspaces, loading, active, presence, artifacts, lastUpdate, open, create, createArtifact, onEvent, rejoin };
}
