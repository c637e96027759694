// The admin console's page: the portal's notices above it, the console itself fetched only
// when an admin opens it (it and its chart library are a chunk of their own).
import { lazy, Suspense } from 'react';
import type { ApiClient } from '../../api';
import type { BannersApi } from '../../hooks/useBanners';
import { t } from '../../messages';
import { Banners } from '../Banners';

const AdminConsole = lazy(() => import('./AdminConsole'));

export function AdminScreen({ api, banners, onExit }: { api: ApiClient; banners: BannersApi; onExit: () => void }) {
  return (
    <div className="admin-layout">
      <Banners items={banners.items} onDismiss={banners.dismiss} />
      <Suspense fallback={<p className="muted" role="status">{t('app.loading')}</p>}>
        <AdminConsole api={api} onExit={onExit} pushError={banners.pushError} notify={(m) => banners.push('info', m)} />
      </Suspense>
    </div>
  );
}
