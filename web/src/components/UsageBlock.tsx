// The user's own usage this month (GET /api/me/usage) and budget (GET /api/me/budget, when the
// budgets API is there), in the settings screen.
import { useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../api';
import { formatCost } from '../format';
import { t } from '../messages';
import { myBudget, myUsage, type MyBudget, type MyUsage } from './admin/adminApi';
import { groupLabel } from './admin/UsagePanel';
import { UsageChart } from './admin/UsageChart';

interface Props {
  api: ApiClient;
  pushError: (e: unknown) => void;
}

export function UsageBlock({ api, pushError }: Props) {
  const [usage, setUsage] = useState<MyUsage | null>(null);
  const [budget, setBudget] = useState<MyBudget | null>(null);

  useEffect(() => {
    myUsage(api).then(setUsage, pushError);
    myBudget(api).then(setBudget, pushError);
  }, [api, pushError]);

  const chart = useMemo(
    () =>
      usage && usage.by_agent.length > 0
        ? {
            labels: usage.by_agent.map((g) => groupLabel('agent', g)),
            series: [{ label: t('admin.usage.turns'), values: usage.by_agent.map((g) => g.turns), color: '#4f6bed' }],
          }
        : null,
    [usage],
  );

  if (!usage) return null;
  const share = budget?.monthly_limit_usd ? Math.min(1, budget.spent_usd / budget.monthly_limit_usd) : null;
  return (
    <fieldset className="settings-group usage-block">
      <legend>{t('usage.title')}</legend>
      <p>
        {t('usage.summary', {
          turns: usage.totals.turns.toLocaleString('ko-KR'),
          cost: formatCost(usage.totals.cost_usd) || '$0',
          tokens: (usage.totals.input_tokens + usage.totals.output_tokens).toLocaleString('ko-KR'),
        })}
      </p>
      {budget && (
        <div className={`budget-meter ${budget.state}`} data-testid="my-budget" data-state={budget.state}>
          <h3>{t('usage.budgetHeading')}</h3>
          {budget.monthly_limit_usd === null || share === null ? (
            <p className="muted">{t('usage.budgetNone')}</p>
          ) : (
            <>
              <p>
                {budget.scope && `${t(budget.scope === 'department' ? 'usage.budgetScope.department' : 'usage.budgetScope.user')} · `}
                {t('usage.budget', {
                  spent: formatCost(budget.spent_usd) || '$0',
                  limit: formatCost(budget.monthly_limit_usd) || '$0',
                })}
              </p>
              <p className="budget-state">{t('usage.budgetState', { state: t(`usage.state.${budget.state}`) })}</p>
              <progress max={1} value={share} aria-label={t('usage.budgetBar')} />
            </>
          )}
        </div>
      )}
      {chart && <UsageChart kind="bar" title={t('usage.byAgent')} {...chart} />}
    </fieldset>
  );
}
