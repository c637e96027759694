// The activity log with filters: who (employee number), what (action), target, when.
import { useEffect, useState } from 'react';
import { t } from '../../messages';
import type { ActivityRow, AdminApi } from './adminApi';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
}

function dayStart(day: string): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}

function dayEnd(day: string): string | undefined {
  return day ? new Date(new Date(`${day}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined;
}

export function ActivityPanel({ admin, pushError }: Props) {
  const [who, setWho] = useState('');
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [rows, setRows] = useState<ActivityRow[] | null>(null);

  useEffect(() => {
    const timer = setTimeout(
      () =>
        admin
          .activity({
            empno: who.trim() || undefined,
            action: action.trim() || undefined,
            target: target.trim() || undefined,
            since: dayStart(since),
            until: dayEnd(until),
          })
          .then((r) => setRows(r.items), pushError),
      200,
    );
    return () => clearTimeout(timer);
  }, [admin, who, action, target, since, until, pushError]);

  return (
    <div className="admin-activity">
      <div className="admin-filters">
        <label>
          {t('admin.activity.who')}
          <input value={who} onChange={(e) => setWho(e.target.value)} maxLength={20} />
        </label>
        <label>
          {t('admin.activity.what')}
          <input value={action} onChange={(e) => setAction(e.target.value)} maxLength={100} />
        </label>
        <label>
          {t('admin.activity.target')}
          <input value={target} onChange={(e) => setTarget(e.target.value)} maxLength={100} />
        </label>
        <label>
          {t('admin.from')}
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          {t('admin.to')}
          <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
      </div>
      <div className="admin-scroll">
        <table className="admin-table">
          <thead>
            <tr>
              <th>{t('admin.activity.when')}</th>
              <th>{t('admin.activity.who')}</th>
              <th>{t('admin.activity.what')}</th>
              <th>{t('admin.activity.target')}</th>
            </tr>
          </thead>
          <tbody>
            {rows?.map((r) => (
              <tr key={r.id}>
                <td>{new Date(r.timestamp).toLocaleString('ko-KR')}</td>
                <td>
                  {r.user_name ?? r.empno} <span className="muted">{r.empno}</span>
                </td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>
                  <code>{String(r.metadata.target ?? r.resource_id ?? r.resource_type ?? '')}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows && rows.length === 0 && <p className="muted">{t('admin.activity.empty')}</p>}
      </div>
    </div>
  );
}
