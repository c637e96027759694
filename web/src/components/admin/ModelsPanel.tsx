// Model enablement per provider and per model (the org setting models_enabled): a model that
// is switched off is neither offered to users nor chosen for them.
import { useEffect, useState } from 'react';
import { modelDisplayName } from '../../format';
import { t } from '../../messages';
import { providerName } from '../ModelPicker';
import type { AdminApi, ModelEnablement } from './adminApi';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
  notify: (m: string) => void;
}

export function ModelsPanel({ admin, pushError, notify }: Props) {
  const [state, setState] = useState<ModelEnablement | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    admin.models().then(setState, pushError);
  }, [admin, pushError]);

  const save = async (next: ModelEnablement) => {
    setSaving(true);
    try {
      const saved = await admin.putModels(
        next.providers.filter((p) => !p.enabled).map((p) => p.provider),
        // A model of a provider that is off stays as the admin set it, for when it is on again.
        next.models.filter((m) => !m.enabled && next.providers.find((p) => p.provider === m.provider)?.enabled !== false).map((m) => m.key),
      );
      setState(saved);
      notify(t('admin.models.saved'));
    } catch (e) {
      pushError(e);
    } finally {
      setSaving(false);
    }
  };

  if (!state) return <p className="muted">{t('app.loading')}</p>;
  return (
    <div className="admin-models">
      {state.providers.map((p) => (
        <fieldset key={p.provider} className="admin-card">
          <legend>
            <label>
              <input
                type="checkbox"
                checked={p.enabled}
                disabled={saving}
                onChange={(e) =>
                  void save({
                    ...state,
                    providers: state.providers.map((x) => (x.provider === p.provider ? { ...x, enabled: e.target.checked } : x)),
                  })
                }
              />{' '}
              {providerName(p.provider)}
            </label>{' '}
            {!p.configured && <span className="muted">{t('admin.models.notConfigured')}</span>}
          </legend>
          <ul className="admin-model-list">
            {state.models
              .filter((m) => m.provider === p.provider)
              .map((m) => (
                <li key={m.key}>
                  <label>
                    <input
                      type="checkbox"
                      checked={m.enabled}
                      disabled={saving || !p.enabled}
                      onChange={(e) =>
                        void save({ ...state, models: state.models.map((x) => (x.key === m.key ? { ...x, enabled: e.target.checked } : x)) })
                      }
                    />{' '}
                    <span className="model-name">{modelDisplayName(m)}</span>
                  </label>
                </li>
              ))}
          </ul>
        </fieldset>
      ))}
    </div>
  );
}
