// Organisation-wide feature switches: an agent switched off here is refused for everyone and
// never chosen by the router (general always answers, so it cannot be switched off).
import { useEffect, useState } from 'react';
import { agentName } from '../../format';
import { t } from '../../messages';
import type { AdminApi, FeatureSwitches } from './adminApi';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
  notify: (m: string) => void;
}

export function FeaturesPanel({ admin, pushError, notify }: Props) {
  const [state, setState] = useState<FeatureSwitches | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    admin.features().then(setState, pushError);
  }, [admin, pushError]);

  const toggle = async (agent: string, enabled: boolean) => {
    if (!state) return;
    const next = state.agents.map((a) => (a.agent === agent ? { ...a, enabled } : a));
    setSaving(true);
    try {
      setState(await admin.putFeatures(next.filter((a) => !a.enabled).map((a) => a.agent)));
      notify(t('admin.features.saved'));
    } catch (e) {
      pushError(e);
    } finally {
      setSaving(false);
    }
  };

  if (!state) return <p className="muted">{t('app.loading')}</p>;
  return (
    <fieldset className="admin-card" data-testid="admin-features">
      <legend>{t('admin.features.title')}</legend>
      <p className="muted small">{t('admin.features.hint')}</p>
      <ul className="admin-model-list">
        {state.agents.map((a) => (
          <li key={a.agent}>
            <label>
              <input
                type="checkbox"
                checked={a.enabled}
                disabled={saving || !a.switchable}
                onChange={(e) => void toggle(a.agent, e.target.checked)}
              />{' '}
              <span className="model-name">{agentName(a.agent)}</span>
              {!a.switchable && <span className="muted small"> · {t('admin.features.alwaysOn')}</span>}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
