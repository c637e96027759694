// Users: search by name, employee number or department; role, department, last activity and
// this month's spend. Roles come from the identity provider, so they are shown, not edited.
import { useEffect, useState } from 'react';
import { agentName, formatCost, formatRelative } from '../../format';
import { t } from '../../messages';
import type { AdminApi, AdminUserList } from './adminApi';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
}

export function UsersPanel({ admin, pushError }: Props) {
  const [q, setQ] = useState('');
  const [department, setDepartment] = useState('');
  const [list, setList] = useState<AdminUserList | null>(null);

  useEffect(() => {
    // A short pause so typing does not send a request per key.
    const timer = setTimeout(() => admin.users(q.trim(), department).then(setList, pushError), 200);
    return () => clearTimeout(timer);
  }, [admin, q, department, pushError]);

  return (
    <div className="admin-users">
      <div className="admin-filters">
        <label className="grow">
          {t('admin.users.search')}
          <input type="search" value={q} placeholder={t('admin.users.searchHint')} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          {t('admin.department')}
          <select value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">{t('admin.all')}</option>
            {list?.departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list && <p className="muted">{t('admin.users.count', { n: list.total })}</p>}
      <div className="admin-scroll">
        <table className="admin-table">
          <thead>
            <tr>
              <th>{t('admin.user')}</th>
              <th>{t('admin.role')}</th>
              <th>{t('admin.department')}</th>
              <th>{t('admin.users.lastSeen')}</th>
              <th>{t('admin.users.spend')}</th>
              <th>{t('admin.users.agents')}</th>
            </tr>
          </thead>
          <tbody>
            {list?.items.map((u) => (
              <tr key={u.empno} data-empno={u.empno}>
                <td>
                  {u.name} <span className="muted">{u.empno}</span>
                </td>
                <td>{u.is_admin ? t('admin.role.admin') : t('admin.role.user')}</td>
                <td>{u.department ?? '—'}</td>
                <td>{u.last_seen ? formatRelative(u.last_seen) : '—'}</td>
                <td>{formatCost(u.spend_this_month_usd) || '$0'}</td>
                <td>{u.active_agents.length ? u.active_agents.map((a) => agentName(a)).join(', ') : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
