// The column beside the chat: the open workspace and the user's files. On a phone it is a
// sheet over the chat, which Escape closes (the files first: they were opened over it).
import type { ApiClient } from '../api';
import type { FilesApi } from '../hooks/useFiles';
import { useSheetEscape } from '../hooks/useSheetEscape';
import type { WorkspaceApi } from '../hooks/useWorkspace';
import { FilesPanel } from './FilesPanel';
import { WorkspacePanel } from './WorkspacePanel';

interface Props {
  api: ApiClient;
  workspace: WorkspaceApi;
  files: FilesApi;
  showFiles: boolean;
  onCloseFiles: () => void;
  wideCanvas: boolean;
  onToggleWide: () => void;
  pushError: (e: unknown) => void;
  notify: (message: string) => void;
}

export function SidePanels({ api, workspace, files, showFiles, onCloseFiles, wideCanvas, onToggleWide, pushError, notify }: Props) {
  const active = workspace.active;
  const open = showFiles || !!active;
  useSheetEscape(open, () => (showFiles ? onCloseFiles() : workspace.open(null)));
  if (!open) return null;
  return (
    <div className="side-panels">
      {active && (
        <WorkspacePanel
          key={active.id}
          api={api}
          workspace={active}
          presence={workspace.presence}
          artifacts={workspace.artifacts}
          lastUpdate={workspace.lastUpdate}
          onCreateArtifact={workspace.createArtifact}
          onClose={() => workspace.open(null)}
          pushError={pushError}
          onWorkspaceChanged={workspace.updated}
          notify={notify}
          wide={wideCanvas}
          onToggleWide={onToggleWide}
        />
      )}
      {showFiles && (
        <FilesPanel
          items={files.items}
          attachments={files.attachments}
          onUpload={(f) => void files.upload(f)}
          onToggleAttach={files.toggleAttach}
          onDelete={(id) => void files.remove(id)}
          onClose={onCloseFiles}
        />
      )}
    </div>
  );
}
