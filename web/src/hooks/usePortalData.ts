// The session's user, models and agent access, read when the portal opens. A failure is
// reported (except a 401: the session banner says that) and leaves the value empty.
import { useCallback, useEffect, useReducer } from 'react';
import type { ApiClient } from '../api';
import { NO_DATA, portalDataReducer, type PortalData } from '../state/portalData';

export interface PortalDataApi extends PortalData {
  /** Re-read the agents (an administrator changed a grant, or the user's preferences). */
  refreshAgents: () => Promise<void>;
}

export function usePortalData(api: ApiClient, report: (e: unknown) => void): PortalDataApi {
  const [data, dispatch] = useReducer(portalDataReducer, NO_DATA);
  const refreshAgents = useCallback(
    () => api.agents().then((agents) => dispatch({ type: 'agents_loaded', agents }), report),
    [api, report],
  );
  useEffect(() => {
    void refreshAgents();
  }, [refreshAgents]);
  useEffect(() => {
    api.me().then((me) => dispatch({ type: 'me_loaded', me }), report);
    api.models().then(
      (models) => dispatch({ type: 'models_loaded', models }),
      (e) => {
        dispatch({ type: 'models_failed' });
        report(e);
      },
    );
  }, [api, report]);
  return { ...data, refreshAgents };
}
