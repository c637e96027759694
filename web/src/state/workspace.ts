// Pure state of the workspaces: the list, the open one, who is in it and its artifacts.
import type { ArtifactSummary, Workspace } from '../types';
import { NO_PRESENCE, presenceReducer, upsertArtifact, type PresenceState } from '../workspace';

export interface ArtifactUpdate {
  artifact: ArtifactSummary & { content?: unknown; content_omitted?: boolean };
  by: string | null;
}

export interface WorkspaceState {
  workspaces: Workspace[];
  loading: boolean;
  activeId: string | null;
  presence: PresenceState;
  artifacts: ArtifactSummary[];
  /** Last `artifact.updated` seen for the open workspace (the viewer reacts to it). */
  lastUpdate: ArtifactUpdate | null;
}

export const NO_WORKSPACE: WorkspaceState = {
  workspaces: [],
  loading: true,
  activeId: null,
  presence: NO_PRESENCE,
  artifacts: [],
  lastUpdate: null,
};

type Ev = { type: string; [k: string]: unknown };

export type WorkspaceAction =
  | { type: 'listed'; workspaces: Workspace[] }
  | { type: 'list_settled' }
  | { type: 'added'; workspace: Workspace }
  | { type: 'removed'; id: string }
  | { type: 'opened'; id: string | null }
  | { type: 'artifacts_loaded'; workspaceId: string; items: ArtifactSummary[] }
  | { type: 'artifact_saved'; artifact: ArtifactSummary }
  | { type: 'presence_event'; event: Ev }
  | { type: 'artifact_event'; update: ArtifactUpdate };

export function workspaceReducer(s: WorkspaceState, a: WorkspaceAction): WorkspaceState {
  switch (a.type) {
    case 'listed':
      return { ...s, workspaces: a.workspaces };
    case 'list_settled':
      return s.loading ? { ...s, loading: false } : s;
    case 'added': {
      // A known workspace keeps its place (an update); a new one goes first.
      const known = s.workspaces.some((w) => w.id === a.workspace.id);
      const workspaces = known
        ? s.workspaces.map((w) => (w.id === a.workspace.id ? a.workspace : w))
        : [a.workspace, ...s.workspaces];
      return { ...s, workspaces };
    }
    case 'removed': {
      const workspaces = s.workspaces.filter((w) => w.id !== a.id);
      return s.activeId === a.id ? { ...NO_WORKSPACE, loading: false, workspaces } : { ...s, workspaces };
    }
    case 'opened':
      return {
        ...s,
        activeId: a.id,
        artifacts: [],
        lastUpdate: null,
        presence: a.id ? { ...NO_PRESENCE, workspaceId: a.id } : NO_PRESENCE,
      };
    case 'artifacts_loaded':
      return a.workspaceId === s.activeId ? { ...s, artifacts: a.items } : s;
    case 'artifact_saved':
      return { ...s, artifacts: upsertArtifact(s.artifacts, a.artifact) };
    case 'presence_event': {
      const presence = presenceReducer(s.presence, a.event);
      return presence === s.presence ? s : { ...s, presence };
    }
    case 'artifact_event':
      if (a.update.artifact.workspace_id !== s.activeId) return s;
      return { ...s, artifacts: upsertArtifact(s.artifacts, a.update.artifact), lastUpdate: a.update };
  }
}
