// Pure state of what the portal reads once per session: who the user is, the models they may
// pick and the agents they may use (re-read when an administrator changes a grant).
import type { AgentAccessInfo, Me, ModelsResponse } from '../types';

export interface PortalData {
  me: Me | null;
  /** null while loading, when the list failed, or when it is empty: the composer then offers
   *  no model picker rather than an empty one. */
  models: ModelsResponse | null;
  agents: AgentAccessInfo[];
}

export const NO_DATA: PortalData = { me: null, models: null, agents: [] };

export type PortalDataAction =
  | { type: 'me_loaded'; me: Me }
  | { type: 'models_loaded'; models: ModelsResponse | null }
  | { type: 'models_failed' }
  | { type: 'agents_loaded'; agents: AgentAccessInfo[] };

export function portalDataReducer(s: PortalData, a: PortalDataAction): PortalData {
  switch (a.type) {
    case 'me_loaded':
      return { ...s, me: a.me };
    case 'models_loaded':
      return { ...s, models: a.models && a.models.models.length > 0 ? a.models : null };
    case 'models_failed':
      return s.models === null ? s : { ...s, models: null };
    case 'agents_loaded':
      return { ...s, agents: a.agents };
  }
}
