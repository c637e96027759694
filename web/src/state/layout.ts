// Pure state of the portal's layout: which drawer, panel and dialog are open. Opening one does
// not close the others (the files panel and a workspace share the side column, and a dialog
// sits above whatever is open); only the phone's drawer gives way when the user picks
// something from it, which the hooks that pick say (`sidebar_closed`).

export interface LayoutState {
  /** The conversation list as a drawer over the chat (phones; a column on a desktop). */
  sidebarOpen: boolean;
  showFiles: boolean;
  showSettings: boolean;
  showTemplates: boolean;
  /** The conversation whose share dialog is open. */
  sharingId: string | null;
  /** The workspace canvas at half the width rather than a narrow column (desktop). */
  wideCanvas: boolean;
}

export const CLOSED_LAYOUT: LayoutState = {
  sidebarOpen: false,
  showFiles: false,
  showSettings: false,
  showTemplates: false,
  sharingId: null,
  wideCanvas: false,
};

export type LayoutAction =
  | { type: 'sidebar_toggled' }
  | { type: 'sidebar_closed' }
  | { type: 'files_toggled' }
  /** An upload from the composer: the panel shows its progress. */
  | { type: 'files_opened' }
  | { type: 'files_closed' }
  | { type: 'settings_opened' }
  | { type: 'settings_closed' }
  | { type: 'templates_opened' }
  | { type: 'templates_closed' }
  | { type: 'sharing_opened'; id: string }
  | { type: 'sharing_closed' }
  | { type: 'canvas_width_toggled' };

// Same object when nothing changes, so closing what is already closed renders nothing.
function set<K extends keyof LayoutState>(s: LayoutState, key: K, value: LayoutState[K]): LayoutState {
  return s[key] === value ? s : { ...s, [key]: value };
}

export function layoutReducer(s: LayoutState, a: LayoutAction): LayoutState {
  switch (a.type) {
    case 'sidebar_toggled':
      return set(s, 'sidebarOpen', !s.sidebarOpen);
    case 'sidebar_closed':
      return set(s, 'sidebarOpen', false);
    case 'files_toggled':
      return set(s, 'showFiles', !s.showFiles);
    case 'files_opened':
      return set(s, 'showFiles', true);
    case 'files_closed':
      return set(s, 'showFiles', false);
    case 'settings_opened':
      return set(s, 'showSettings', true);
    case 'settings_closed':
      return set(s, 'showSettings', false);
    case 'templates_opened':
      return set(s, 'showTemplates', true);
    case 'templates_closed':
      return set(s, 'showTemplates', false);
    case 'sharing_opened':
      return set(s, 'sharingId', a.id);
    case 'sharing_closed':
      return set(s, 'sharingId', null);
    case 'canvas_width_toggled':
      return set(s, 'wideCanvas', !s.wideCanvas);
  }
}

/** Is the side column (files, the open workspace) shown? On a phone it is a sheet over the chat. */
export function panelsOpen(s: LayoutState, workspaceOpen: boolean): boolean {
  return s.showFiles || workspaceOpen;
}

/** The layout's classes (styles.css sizes the columns by them). The wide canvas is a choice
 *  that outlives the workspace: it applies again when one is open. */
export function layoutClass(s: LayoutState, workspaceOpen: boolean): string {
  const panels = panelsOpen(s, workspaceOpen);
  return ['layout', s.sidebarOpen && 'sidebar-open', panels && 'with-panels', panels && s.wideCanvas && workspaceOpen && 'canvas-wide']
    .filter(Boolean)
    .join(' ');
}
