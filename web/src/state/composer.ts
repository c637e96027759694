// Pure state of the composer the portal owns: the chosen agent, toggle and model (kept across
// conversations), and a counter whose every change puts the focus back in the message box.
import type { ComposerSettings } from '../components/Composer';
import type { AgentType } from '../types';

export interface ComposerState {
  settings: ComposerSettings;
  focusNonce: number;
}

export const NEW_COMPOSER: ComposerState = { settings: { agent: null, toggle: null, model: null }, focusNonce: 0 };

export type ComposerAction =
  | { type: 'settings_changed'; settings: ComposerSettings }
  /** "Use this agent" from an answer: chosen, and the user types next. */
  | { type: 'agent_applied'; agent: AgentType }
  | { type: 'focus_requested' };

export function composerReducer(s: ComposerState, a: ComposerAction): ComposerState {
  switch (a.type) {
    case 'settings_changed':
      return { ...s, settings: a.settings };
    case 'agent_applied':
      return { settings: { ...s.settings, agent: a.agent }, focusNonce: s.focusNonce + 1 };
    case 'focus_requested':
      return { ...s, focusNonce: s.focusNonce + 1 };
  }
}
