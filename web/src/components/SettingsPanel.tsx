// The settings screen: profile data, feature switches, default model and priority,
// personalisation opt-out, theme, and which agents are locked (and how to get them).
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { AGENT_LABELS, agentName, modelDisplayName } from '../format';
import { ProfileSummary } from './ProfileSummary';
import { t, type MessageKey } from '../messages';
import type { AgentAccessInfo, Me, ModelsResponse, Preferences, PreferencesUpdate, Priority } from '../types';
import type { Theme } from '../hooks/useTheme';
import { catalogOf, providerName, unavailableText } from './ModelPicker';
import { UsageBlock } from './UsageBlock';

interface Props {
  api: ApiClient;
  me: Me | null;
  models: ModelsResponse | null;
  agents: AgentAccessInfo[];
  theme: Theme;
  onTheme: (t: Theme) => void;
  onClose: () => void;
  /** After a save: the composer re-reads which agents are usable. */
  onSaved: (p: Preferences) => void;
  pushError: (e: unknown) => void;
}

const FEATURES = ['enable_web_search', 'enable_deep_research', 'enable_canvas_mode', 'enable_file_processing'] as const;
const PRIORITIES: Priority[] = ['balanced', 'quality', 'speed', 'cost'];
const THEMES: Theme[] = ['system', 'light', 'dark'];

function applied(p: Preferences, c: PreferencesUpdate): Preferences {
  const next: Preferences = { ...p, model_preference: { ...p.model_preference }, ui_preferences: { ...p.ui_preferences } };
  for (const f of FEATURES) if (c[f] !== undefined) next[f] = c[f]!;
  if (c.model !== undefined) next.model_preference.model = c.model || undefined;
  if (c.priority !== undefined) next.model_preference.priority = c.priority;
  if (c.profile_collection !== undefined) next.ui_preferences.profile_collection = c.profile_collection;
  return next;
}

function agentStatus(a: AgentAccessInfo): string {
  if (a.usable) return t('settings.agentUsable');
  if (a.reason === 'no_permission') return t('settings.agentLocked');
  if (a.reason === 'switched_off') return t('settings.agentSwitchedOff');
  if (a.reason === 'disabled_by_admin') return t('settings.agentDisabledByAdmin');
  return t('settings.agentNotConfigured');
}

export function SettingsPanel({ api, me, models, agents, theme, onTheme, onClose, onSaved, pushError }: Props) {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    api.preferences().then(setPrefs, pushError);
  }, [api, pushError]);

  const save = async (changes: PreferencesUpdate) => {
    setSaving(true);
    setNotice(null);
    // Show the change at once (a switch must move when clicked); the server's answer, or the
    // last saved state after an error, replaces it.
    const before = prefs;
    if (prefs) setPrefs(applied(prefs, changes));
    try {
      const next = await api.updatePreferences(changes);
      setPrefs(next);
      setNotice(t('settings.saved'));
      onSaved(next);
    } catch (e) {
      setPrefs(before);
      pushError(e);
    } finally {
      setSaving(false);
    }
  };

  const catalog = models ? catalogOf(models) : [];
  const model = prefs?.model_preference.model ?? '';
  const priority = prefs?.model_preference.priority ?? 'balanced';
  const profileCollection = prefs?.ui_preferences.profile_collection ?? true;

  return (
    <div className="sheet-backdrop" role="presentation" onClick={onClose}>
      <section
        className="sheet settings"
        role="dialog"
        aria-modal="true"
        aria-labelledby="settings-title"
        data-testid="settings"
        onClick={(e) => e.stopPropagation()}
      >
        <header className="sheet-head">
          <h2 id="settings-title">{t('settings.title')}</h2>
          <button type="button" className="btn ghost small" onClick={onClose}>
            {t('settings.close')}
          </button>
        </header>
        <div className="sheet-body">
          <fieldset className="settings-group">
            <legend>{t('settings.profile')}</legend>
            {me && (
              <dl className="profile">
                <dt>{t('settings.name')}</dt>
                <dd>{me.name}</dd>
                <dt>{t('settings.empno')}</dt>
                <dd>{me.empno}</dd>
                {(me.company || me.company_code) && (
                  <>
                    <dt>{t('settings.company')}</dt>
                    <dd>{me.company ?? me.company_code}</dd>
                  </>
                )}
                {me.department && (
                  <>
                    <dt>{t('settings.department')}</dt>
                    <dd>{me.department}</dd>
                  </>
                )}
                <dt>{t('settings.role')}</dt>
                <dd>{me.is_admin ? t('settings.roleAdmin') : t('settings.roleUser')}</dd>
              </dl>
            )}
          </fieldset>

          <UsageBlock api={api} pushError={pushError} />

          <fieldset className="settings-group" disabled={!prefs || saving}>
            <legend>{t('settings.features')}</legend>
            {FEATURES.map((f) => (
              <label key={f} className="switch-row">
                <input
                  type="checkbox"
                  checked={prefs ? prefs[f] : true}
                  onChange={(e) => void save({ [f]: e.target.checked })}
                />
                <span>{t(`settings.feature.${f}` as MessageKey)}</span>
              </label>
            ))}
          </fieldset>

          <fieldset className="settings-group" disabled={!prefs || saving}>
            <legend>{t('settings.model')}</legend>
            <select aria-label={t('settings.model')} value={model} onChange={(e) => void save({ model: e.target.value })}>
              <option value="">{t('model.auto')}</option>
              {catalog.map((m) => (
                <option key={m.key} value={m.key} disabled={!m.available}>
                  {modelDisplayName(m)} · {providerName(m.provider)} · {t(`model.tier.${m.cost_tier}` as MessageKey)}
                  {!m.available ? ` — ${unavailableText(m)}` : ''}
                </option>
              ))}
            </select>
            <div className="radio-row" role="radiogroup" aria-label={t('settings.priority')}>
              <span className="muted">{t('settings.priority')}</span>
              {PRIORITIES.map((p) => (
                <label key={p} className="radio">
                  <input type="radio" name="priority" checked={priority === p} onChange={() => void save({ priority: p })} />
                  {t(`settings.priority.${p}` as MessageKey)}
                </label>
              ))}
            </div>
          </fieldset>

          <fieldset className="settings-group" disabled={!prefs || saving}>
            <legend>{t('settings.privacy')}</legend>
            <label className="switch-row">
              <input
                type="checkbox"
                checked={profileCollection}
                onChange={(e) => void save({ profile_collection: e.target.checked })}
              />
              <span>{t('settings.profileCollection')}</span>
            </label>
            <ProfileSummary api={api} pushError={pushError} />
          </fieldset>

          <fieldset className="settings-group">
            <legend>{t('settings.theme')}</legend>
            <div className="radio-row" role="radiogroup" aria-label={t('settings.theme')}>
              {THEMES.map((th) => (
                <label key={th} className="radio">
                  <input type="radio" name="theme" checked={theme === th} onChange={() => onTheme(th)} />
                  {t(`settings.theme.${th}` as MessageKey)}
                </label>
              ))}
            </div>
          </fieldset>

          <fieldset className="settings-group">
            <legend>{t('settings.agents')}</legend>
            <ul className="agent-access">
              {agents.map((a) => (
                <li key={a.agent} data-agent={a.agent} data-usable={a.usable}>
                  <span className="agent-access-name">
                    {!a.usable && a.reason === 'no_permission' && <span aria-hidden="true">🔒 </span>}
                    {(AGENT_LABELS as Record<string, string>)[a.agent] ?? agentName(a.agent)}
                  </span>
                  <span className="muted">{agentStatus(a)}</span>
                </li>
              ))}
            </ul>
          </fieldset>
          {notice && (
            <p className="muted" role="status">
              {notice}
            </p>
          )}
        </div>
      </section>
    </div>
  );
}
