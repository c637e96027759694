// The cache's statistics (GET /api/admin/cache): hits per tier, misses, sizes. L1 is this API
// container's memory since it started; L2 is the shared DynamoDB table (its size is DynamoDB's
// own figure, refreshed about every six hours).
import { useCallback, useEffect, useState } from 'react';
import { t } from '../../messages';
import type { AdminApi, CacheStats } from './adminApi';

interface Props {
  admin: AdminApi;
  pushError: (e: unknown) => void;
}

function count(n: number | null): string {
  return n === null ? t('admin.cache.unknown') : n.toLocaleString('ko-KR');
}

export function CachePanel({ admin, pushError }: Props) {
  const [stats, setStats] = useState<CacheStats | null>(null);
  const load = useCallback(() => {
    admin.cache().then(setStats, pushError);
  }, [admin, pushError]);
  useEffect(load, [load]);

  if (!stats) return <p className="muted">{t('app.loading')}</p>;
  return (
    <fieldset className="admin-card" data-testid="admin-cache">
      <legend>{t('admin.cache.title')}</legend>
      <dl className="profile">
        <dt>{t('admin.cache.hitRate')}</dt>
        <dd data-testid="cache-hit-rate">{(stats.hit_rate * 100).toFixed(1)}%</dd>
        <dt>{t('admin.cache.l1')}</dt>
        <dd>{t('admin.cache.tier', { hits: count(stats.l1.hits), items: count(stats.l1.items) })} / {count(stats.l1_maxsize)}</dd>
        <dt>{t('admin.cache.l2')}</dt>
        <dd>{t('admin.cache.tier', { hits: count(stats.l2.hits), items: count(stats.l2.items) })}</dd>
        <dt>{t('admin.cache.misses')}</dt>
        <dd>{count(stats.misses)}</dd>
        <dt>{t('admin.cache.size')}</dt>
        <dd>{stats.l2_size_bytes === null ? t('admin.cache.unknown') : `${(stats.l2_size_bytes / 1024).toFixed(1)} KB`}</dd>
        <dt>{t('admin.cache.hotKeys')}</dt>
        <dd>{count(stats.hot_keys)}</dd>
      </dl>
      <button type="button" className="btn small" onClick={load}>
        {t('admin.cache.refresh')}
      </button>
    </fieldset>
  );
}
