// Usage and cost: totals, charts per day/agent/model/department, top spenders, p50/p95
// latency per agent, CSV export. Every figure comes from GET /api/admin/usage (PostgreSQL).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { agentName, formatCost } from '../../format';
import { t } from '../../messages';
import type { AdminApi, UsageGroup, UsageOverview } from './adminApi';
import { UsageChart } from './UsageChart';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
}

const GROUPS = ['day', 'user', 'department', 'agent', 'model'] as const;

export function groupLabel(by: string, g: UsageGroup): string {
  if (by === 'agent') return agentName(g.key) || t('admin.none');
  if (by === 'model' && g.key === 'offline') return t('model.offline');
  return g.label || t('admin.none');
}

export function Totals({ totals }: { totals: UsageOverview['totals'] }) {
  return (
    <dl className="admin-totals">
      <div>
        <dt>{t('admin.usage.turns')}</dt>
        <dd data-testid="usage-turns">{totals.turns.toLocaleString('ko-KR')}</dd>
      </div>
      <div>
        <dt>{t('admin.usage.cost')}</dt>
        <dd>{formatCost(totals.cost_usd) || '$0'}</dd>
      </div>
      <div>
        <dt>{t('admin.usage.perTurn')}</dt>
        <dd>{totals.cost_per_answered_turn === null ? '—' : formatCost(totals.cost_per_answered_turn) || '$0'}</dd>
      </div>
      <div>
        <dt>{t('admin.usage.tokens')}</dt>
        <dd>{(totals.input_tokens + totals.output_tokens).toLocaleString('ko-KR')}</dd>
      </div>
      <div>
        <dt>{t('admin.usage.failed')}</dt>
        <dd>{totals.failed_turns.toLocaleString('ko-KR')}</dd>
      </div>
    </dl>
  );
}

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function groupsChart(by: string, groups: UsageGroup[]) {
  return {
    labels: groups.map((g) => groupLabel(by, g)),
    series: [
      { label: t('admin.usage.turns'), values: groups.map((g) => g.turns), color: '#4f6bed' },
      { label: t('admin.usage.costUsd'), values: groups.map((g) => g.cost_usd), color: '#e0894a', secondary: true },
    ],
  };
}

export function UsagePanel({ admin, pushError }: Props) {
  const today = new Date().toISOString().slice(0, 10);
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const [data, setData] = useState<UsageOverview | null>(null);
  const [csvBy, setCsvBy] = useState<(typeof GROUPS)[number]>('day');

  const load = useCallback(() => {
    admin.usage({ from, to }).then(setData, pushError);
  }, [admin, from, to, pushError]);
  useEffect(load, [load]);

  const byDay = useMemo(() => (data ? groupsChart('day', data.by_day) : null), [data]);
  const byAgent = useMemo(() => (data ? groupsChart('agent', data.by_agent) : null), [data]);
  const byModel = useMemo(() => (data ? groupsChart('model', data.by_model) : null), [data]);
  const byDept = useMemo(() => (data ? groupsChart('department', data.by_department) : null), [data]);

  const exportCsv = async () => {
    try {
      download(await admin.usageCsv(csvBy, { from, to }), `usage-${csvBy}-${from}-${to}.csv`);
    } catch (e) {
      pushError(e);
    }
  };

  return (
    <div className="admin-usage">
      <div className="admin-filters">
        <label>
          {t('admin.from')}
          <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('admin.to')}
          <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          {t('admin.usage.csvBy')}
          <select value={csvBy} onChange={(e) => setCsvBy(e.target.value as (typeof GROUPS)[number])}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`admin.group.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn small" onClick={() => void exportCsv()}>
          {t('admin.usage.csv')}
        </button>
      </div>
      {!data ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : (
        <>
          <Totals totals={data.totals} />
          {data.totals.turns === 0 && <p className="muted">{t('admin.usage.empty')}</p>}
          <div className="admin-charts">
            {byDay && <UsageChart kind="line" title={t('admin.chart.byDay')} {...byDay} />}
            {byAgent && <UsageChart kind="bar" title={t('admin.chart.byAgent')} {...byAgent} />}
            {byModel && <UsageChart kind="bar" horizontal title={t('admin.chart.byModel')} {...byModel} />}
            {byDept && <UsageChart kind="bar" horizontal title={t('admin.chart.byDepartment')} {...byDept} />}
          </div>
          <div className="admin-tables">
            <table className="admin-table">
              <caption>{t('admin.usage.topSpenders')}</caption>
              <thead>
                <tr>
                  <th>{t('admin.user')}</th>
                  <th>{t('admin.department')}</th>
                  <th>{t('admin.usage.turns')}</th>
                  <th>{t('admin.usage.cost')}</th>
                </tr>
              </thead>
              <tbody>
                {data.top_spenders.map((s) => (
                  <tr key={s.empno}>
                    <td>
                      {s.name ?? s.empno} <span className="muted">{s.empno}</span>
                    </td>
                    <td>{s.department ?? '—'}</td>
                    <td>{s.turns}</td>
                    <td>{formatCost(s.cost_usd) || '$0'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="admin-table">
              <caption>{t('admin.usage.latency')}</caption>
              <thead>
                <tr>
                  <th>{t('admin.agent')}</th>
                  <th>{t('admin.usage.answered')}</th>
                  <th>p50</th>
                  <th>p95</th>
                </tr>
              </thead>
              <tbody>
                {data.latency.map((l) => (
                  <tr key={l.agent}>
                    <td>{agentName(l.agent) || t('admin.none')}</td>
                    <td>{l.answered_turns}</td>
                    <td>{l.p50_seconds === null ? '—' : t('admin.seconds', { n: l.p50_seconds.toFixed(1) })}</td>
                    <td>{l.p95_seconds === null ? '—' : t('admin.seconds', { n: l.p95_seconds.toFixed(1) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
