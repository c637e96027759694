// Agent grants: to one user or a whole department, with an optional expiry; revoke.
// The user sees a grant at once (the server tells their open sockets).
import { useCallback, useEffect, useState } from 'react';
import { agentName } from '../../format';
import { t } from '../../messages';
import type { AdminApi, AgentGrant } from './adminApi';

export const RESTRICTED = ['regulations', 'legal', 'accounting', 'tax'] as const;

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
  notify: (m: string) => void;
}

/** The end of the chosen day in local time, as an ISO instant (null: no expiry). */
function expiry(day: string): string | null {
  return day ? new Date(`${day}T23:59:59`).toISOString() : null;
}

function AgentSelect({ value, onChange, id }: { value: string; onChange: (v: string) => void; id: string }) {
  return (
    <label>
      {t('admin.agent')}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {RESTRICTED.map((a) => (
          <option key={a} value={a}>
            {agentName(a)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function GrantsPanel({ admin, pushError, notify }: Props) {
  const [grants, setGrants] = useState<AgentGrant[]>([]);
  const [departments, setDepartments] = useState<string[]>([]);
  const [empno, setEmpno] = useState('');
  const [agent, setAgent] = useState<string>('legal');
  const [until, setUntil] = useState('');
  const [department, setDepartment] = useState('');
  const [deptAgent, setDeptAgent] = useState<string>('legal');
  const [deptUntil, setDeptUntil] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    admin.grants().then(setGrants, pushError);
  }, [admin, pushError]);
  useEffect(() => {
    reload();
    admin.users('', '').then((l) => {
      setDepartments(l.departments);
      setDepartment((d) => d || l.departments[0] || '');
    }, pushError);
  }, [admin, reload, pushError]);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      notify(await work());
      reload();
    } catch (e) {
      pushError(e);
    } finally {
      setBusy(false);
    }
  };

  const now = Date.now();
  return (
    <div className="admin-grants">
      <form
        className="admin-form"
        aria-label={t('admin.grants.toUser')}
        onSubmit={(e) => {
          e.preventDefault();
          const who = empno.trim();
          if (!who) return;
          void run(async () => {
            await admin.grant(who, agent, expiry(until));
            return t('admin.grants.granted', { agent: agentName(agent), who });
          });
        }}
      >
        <h2>{t('admin.grants.toUser')}</h2>
        <label>
          {t('admin.empno')}
          <input value={empno} onChange={(e) => setEmpno(e.target.value)} maxLength={20} required />
        </label>
        <AgentSelect id="grant-agent" value={agent} onChange={setAgent} />
        <label>
          {t('admin.grants.until')}
          <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <button type="submit" className="btn primary small" disabled={busy}>
          {t('admin.grants.grant')}
        </button>
      </form>

      <form className="admin-form" aria-label={t('admin.grants.toDepartment')} onSubmit={(e) => e.preventDefault()}>
        <h2>{t('admin.grants.toDepartment')}</h2>
        <label>
          {t('admin.department')}
          <select value={department} onChange={(e) => setDepartment(e.target.value)}>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <AgentSelect id="dept-agent" value={deptAgent} onChange={setDeptAgent} />
        <label>
          {t('admin.grants.until')}
          <input type="date" value={deptUntil} onChange={(e) => setDeptUntil(e.target.value)} />
        </label>
        <div className="admin-actions">
          <button
            type="button"
            className="btn primary small"
            disabled={busy || !department}
            onClick={() =>
              void run(async () => {
                const r = await admin.grantDepartment(department, deptAgent, expiry(deptUntil));
                return t('admin.grants.deptGranted', { department, agent: agentName(deptAgent), n: r.empnos.length });
              })
            }
          >
            {t('admin.grants.grantAll')}
          </button>
          <button
            type="button"
            className="btn small danger"
            disabled={busy || !department}
            onClick={() =>
              void run(async () => {
                const r = await admin.revokeDepartment(department, deptAgent);
                return t('admin.grants.deptRevoked', { department, agent: agentName(deptAgent), n: r.empnos.length });
              })
            }
          >
            {t('admin.grants.revokeAll')}
          </button>
        </div>
      </form>

      <div className="admin-scroll">
        <table className="admin-table">
          <caption>{t('admin.grants.list')}</caption>
          <thead>
            <tr>
              <th>{t('admin.empno')}</th>
              <th>{t('admin.agent')}</th>
              <th>{t('admin.grants.until')}</th>
              <th>{t('admin.grants.by')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => {
              const expired = g.expires_at !== null && new Date(g.expires_at).getTime() <= now;
              return (
                <tr key={`${g.empno}-${g.agent_type}`} className={expired ? 'expired' : undefined}>
                  <td>{g.empno}</td>
                  <td>{agentName(g.agent_type)}</td>
                  <td>
                    {g.expires_at ? new Date(g.expires_at).toLocaleDateString('ko-KR') : t('admin.grants.forever')}
                    {expired && ` (${t('admin.grants.expired')})`}
                  </td>
                  <td>{g.granted_by ?? '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="btn small danger"
                      disabled={busy}
                      aria-label={t('admin.grants.revokeOne', { agent: agentName(g.agent_type), who: g.empno })}
                      onClick={() =>
                        void run(async () => {
                          await admin.revoke(g.empno, g.agent_type);
                          return t('admin.grants.revoked', { agent: agentName(g.agent_type), who: g.empno });
                        })
                      }
                    >
                      {t('admin.grants.revoke')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
