// The dialogs over the portal: settings, the prompt templates and a conversation's sharing.
// Each is mounted only while open, so every opening starts afresh: the settings re-read from
// the server, no half-typed template or share search left from the last time.
import type { ApiClient } from '../api';
import type { Templates } from '../hooks/useTemplates';
import type { Theme } from '../hooks/useTheme';
import type { LayoutAction, LayoutState } from '../state/layout';
import type { AgentAccessInfo, Conversation, Me, ModelsResponse, Workspace } from '../types';
import { SettingsPanel } from './SettingsPanel';
import { ShareDialog } from './ShareDialog';
import { TemplatesDialog } from './TemplatesDialog';

interface Props {
  layout: LayoutState;
  dispatch: (action: LayoutAction) => void;
  api: ApiClient;
  me: Me | null;
  models: ModelsResponse | null;
  agents: AgentAccessInfo[];
  theme: Theme;
  onTheme: (theme: Theme) => void;
  /** Preferences saved: which agents the user switched on may have changed. */
  onSettingsSaved: () => void;
  templates: Templates;
  conversations: Conversation[];
  workspaces: Workspace[];
  pushError: (e: unknown) => void;
  notify: (message: string) => void;
}

export function PortalDialogs(p: Props) {
  const { layout, dispatch } = p;
  // A conversation deleted (or no longer listed) while its dialog was open has nothing to share.
  const sharing = layout.sharingId ? p.conversations.find((c) => c.id === layout.sharingId) : undefined;
  return (
    <>
      {layout.showSettings && (
        <SettingsPanel
          api={p.api}
          me={p.me}
          models={p.models}
          agents={p.agents}
          theme={p.theme}
          onTheme={p.onTheme}
          onClose={() => dispatch({ type: 'settings_closed' })}
          onSaved={p.onSettingsSaved}
          pushError={p.pushError}
        />
      )}
      {layout.showTemplates && <TemplatesDialog templates={p.templates} onClose={() => dispatch({ type: 'templates_closed' })} />}
      {sharing && (
        <ShareDialog
          api={p.api}
          conversation={sharing}
          me={p.me}
          workspaces={p.workspaces}
          onClose={() => dispatch({ type: 'sharing_closed' })}
          notify={p.notify}
          pushError={p.pushError}
        />
      )}
    </>
  );
}
