// The open workspace: list/create, join/leave over the socket, presence, artifacts (live).
import { useCallback, useEffect } from 'react';
import { ApiError, type ApiClient } from '../api';
import { NO_WORKSPACE, workspaceReducer, type ArtifactUpdate } from '../state/workspace';
import { useRefReducer } from '../state/useRefReducer';
import type { ArtifactSummary, ServerEvent, Workspace } from '../types';
import type { PortalSocket } from '../ws';
import { artifactOfEvent, type PresenceState } from '../workspace';
import { t } from '../messages';

export type { ArtifactUpdate } from '../state/workspace';

export interface WorkspaceApi {
  workspaces: Workspace[];
  loading: boolean;
  active: Workspace | null;
  /** The open workspace's id, also before the list holding it has loaded (an address's ?w=). */
  activeId: string | null;
  presence: PresenceState;
  artifacts: ArtifactSummary[];
  lastUpdate: ArtifactUpdate | null;
  open: (id: string | null) => void;
  /** The server will not show this workspace to the user (not a member, deleted): if it is the
   *  open one (an address's ?w=, a shared link), close it and say so. */
  refused: (id: string) => void;
  create: (title: string) => Promise<void>;
  createArtifact: (title: string) => Promise<string | null>;
  refresh: () => Promise<void>;
  /** A workspace as the server returned it after a change (members, title). */
  updated: (w: Workspace) => void;
  onEvent: (ev: ServerEvent) => void;
  /** Re-join after the socket reconnected (the server forgot this socket's workspaces). */
  rejoin: () => void;
}

export function useWorkspace(
  api: ApiClient,
  socket: PortalSocket | null,
  pushError: (e: unknown) => void,
  notify: (message: string) => void = () => {},
): WorkspaceApi {
  const [state, dispatch, ref] = useRefReducer(workspaceReducer, NO_WORKSPACE);

  const report = useCallback(
    (e: unknown) => {
      if (!(e instanceof ApiError && e.status === 401)) pushError(e);
    },
    [pushError],
  );

  const refresh = useCallback(async () => {
    try {
      dispatch({ type: 'listed', workspaces: await api.listWorkspaces() });
    } catch (e) {
      report(e);
    } finally {
      dispatch({ type: 'list_settled' });
    }
  }, [api, report, dispatch]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const refused = useCallback(
    (workspaceId: string) => {
      if (ref.current.activeId !== workspaceId) return;
      // Nothing was joined, so nothing to leave: the address stops naming it (useConversationUrl).
      dispatch({ type: 'opened', id: null });
      pushError(new Error(t('ws.unavailable')));
    },
    [dispatch, ref, pushError],
  );

  const loadArtifacts = useCallback(
    async (workspaceId: string) => {
      try {
        dispatch({ type: 'artifacts_loaded', workspaceId, items: await api.listArtifacts(workspaceId) });
      } catch (e) {
        // Another user's workspace is 404, never 403 (its existence is not disclosed).
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) refused(workspaceId);
        else report(e);
      }
    },
    [api, report, dispatch, refused],
  );

  const open = useCallback(
    (id: string | null) => {
      const prev = ref.current.activeId;
      if (prev === id) return;
      if (prev) socket?.send({ action: 'leave', workspace_id: prev });
      dispatch({ type: 'opened', id });
      if (id) {
        // If the socket is not open yet, `rejoin` on its next `open` sends the join.
        socket?.send({ action: 'join', workspace_id: id });
        void loadArtifacts(id);
      }
    },
    [socket, loadArtifacts, dispatch, ref],
  );

  const rejoin = useCallback(() => {
    const id = ref.current.activeId;
    if (id) socket?.send({ action: 'join', workspace_id: id });
  }, [socket, ref]);

  const create = useCallback(
    async (title: string) => {
      try {
        const ws = await api.createWorkspace({ title });
        dispatch({ type: 'added', workspace: ws });
        open(ws.id);
      } catch (e) {
        report(e);
      }
    },
    [api, open, report, dispatch],
  );

  const createArtifact = useCallback(
    async (title: string): Promise<string | null> => {
      const id = ref.current.activeId;
      if (!id) return null;
      try {
        const a = await api.createArtifact(id, { type: 'document', title, content: '' });
        dispatch({ type: 'artifact_saved', artifact: a });
        return a.id;
      } catch (e) {
        report(e);
        return null;
      }
    },
    [api, report, dispatch, ref],
  );

  const updated = useCallback((w: Workspace) => dispatch({ type: 'added', workspace: w }), [dispatch]);

  // Someone added this user to a workspace (or removed them): the list follows at once.
  const onMembership = useCallback(
    async (workspaceId: string, role: string | null) => {
      if (role === null) {
        dispatch({ type: 'removed', id: workspaceId });
        notify(t('members.leftWorkspace'));
        return;
      }
      await refresh();
      const w = ref.current.workspaces.find((x) => x.id === workspaceId);
      if (w) notify(t('members.joinedWorkspace', { title: w.title }));
    },
    [dispatch, notify, refresh, ref],
  );

  const onEvent = useCallback(
    (ev: ServerEvent) => {
      const e = ev as unknown as { type: string; [k: string]: unknown };
      if (e.type === 'workspace.membership' && typeof e.workspace_id === 'string') {
        void onMembership(e.workspace_id, typeof e.role === 'string' ? e.role : null);
        return;
      }
      if (e.type === 'presence' || e.type === 'user_joined' || e.type === 'user_left') {
        dispatch({ type: 'presence_event', event: e });
        return;
      }
      const a = artifactOfEvent(e);
      if (!a) return;
      const by = e.by && typeof e.by === 'object' ? (e.by as { name?: unknown }).name : null;
      dispatch({ type: 'artifact_event', update: { artifact: a, by: typeof by === 'string' ? by : null } });
    },
    [dispatch, onMembership],
  );

  const active = state.workspaces.find((w) => w.id === state.activeId) ?? null;
  return {
    workspaces: state.workspaces,
    loading: state.loading,
    active,
    activeId: state.activeId,
    presence: state.presence,
    artifacts: state.artifacts,
    lastUpdate: state.lastUpdate,
    open,
    refused,
    create,
    createArtifact,
    refresh,
    updated,
    onEvent,
    rejoin,
  };
}
