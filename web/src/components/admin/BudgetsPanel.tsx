// Monthly budgets in money, per user and per department, served by the budgets API
// (GET/PUT /api/admin/budgets/users/{empno} and /departments/{department}). An empty limit
// means no budget of its own (the default applies).
import { useState } from 'react';
import { t } from '../../messages';
import type { AdminApi, Budget } from './adminApi';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
  notify: (m: string) => void;
}

type Scope = 'user' | 'department';

/** The form's text as a budget; a message key when it is not one. */
export function parseBudget(limit: string, warnPercent: string): Budget | 'admin.budgets.badLimit' | 'admin.budgets.badWarn' {
  const trimmed = limit.trim();
  const amount = trimmed === '' ? null : Number(trimmed);
  if (amount !== null && (!Number.isFinite(amount) || amount < 0)) return 'admin.budgets.badLimit';
  const warn = Number(warnPercent);
  if (!Number.isFinite(warn) || warn <= 0 || warn > 100) return 'admin.budgets.badWarn';
  return { monthly_limit_usd: amount, warn_ratio: warn / 100 };
}

export function BudgetsPanel({ admin, pushError, notify }: Props) {
  const [scope, setScope] = useState<Scope>('user');
  const [target, setTarget] = useState('');
  const [loaded, setLoaded] = useState<string | null>(null);
  const [limit, setLimit] = useState('');
  const [warn, setWarn] = useState('80');
  const [problem, setProblem] = useState<string | null>(null);
  const [none, setNone] = useState(false);

  const load = async () => {
    const who = target.trim();
    if (!who) return;
    setProblem(null);
    try {
      const b = scope === 'user' ? await admin.userBudget(who) : await admin.departmentBudget(who);
      setNone(b === null);
      setLimit(b?.monthly_limit_usd == null ? '' : String(b.monthly_limit_usd));
      setWarn(String(Math.round((b?.warn_ratio ?? 0.8) * 100)));
      setLoaded(who);
    } catch (e) {
      pushError(e);
    }
  };

  const save = async () => {
    const parsed = parseBudget(limit, warn);
    if (typeof parsed === 'string') {
      setProblem(t(parsed));
      return;
    }
    setProblem(null);
    const who = loaded ?? target.trim();
    try {
      if (scope === 'user') await admin.putUserBudget(who, parsed);
      else await admin.putDepartmentBudget(who, parsed);
      notify(t('admin.budgets.saved', { who }));
    } catch (e) {
      pushError(e);
    }
  };

  return (
    <div className="admin-budgets">
      <form
        className="admin-form"
        aria-label={t('admin.tab.budgets')}
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          {t('admin.budgets.scope')}
          <select
            value={scope}
            onChange={(e) => {
              setScope(e.target.value as Scope);
              setLoaded(null);
            }}
          >
            <option value="user">{t('admin.budgets.user')}</option>
            <option value="department">{t('admin.budgets.department')}</option>
          </select>
        </label>
        <label>
          {scope === 'user' ? t('admin.empno') : t('admin.department')}
          <input
            value={target}
            onChange={(e) => {
              setTarget(e.target.value);
              setLoaded(null);
            }}
            maxLength={100}
            required
          />
        </label>
        <button type="submit" className="btn small">
          {t('admin.budgets.load')}
        </button>
      </form>
      {none && loaded !== null && <p className="muted">{t('admin.budgets.none')}</p>}
      {loaded !== null && (
        <form
          className="admin-form"
          aria-label={t('admin.budgets.edit', { who: loaded })}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h2>{t('admin.budgets.edit', { who: loaded })}</h2>
          <label>
            {t('admin.budgets.limit')}
            <input inputMode="decimal" value={limit} placeholder={t('admin.budgets.noLimit')} onChange={(e) => setLimit(e.target.value)} />
          </label>
          <label>
            {t('admin.budgets.warn')}
            <input inputMode="numeric" value={warn} onChange={(e) => setWarn(e.target.value)} />
          </label>
          <button type="submit" className="btn primary small">
            {t('admin.budgets.save')}
          </button>
          {problem && (
            <p className="form-error" role="alert">
              {problem}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
