// The admin console at /admin (loaded lazily, and only for admins: the server refuses every
// admin route to anyone else with 403, so hiding it is a courtesy, not the check).
import { useMemo, useState } from 'react';
import type { ApiClient } from '../../api';
import { t, type MessageKey } from '../../messages';
import { Icon } from '../Icon';
import { adminApi } from './adminApi';
import { ActivityPanel } from './ActivityPanel';
import { BudgetsPanel } from './BudgetsPanel';
import { CachePanel } from './CachePanel';
import { FeaturesPanel } from './FeaturesPanel';
import { FeedbackPanel } from './FeedbackPanel';
import { GrantsPanel } from './GrantsPanel';
import { McpPanel } from './McpPanel';
import { ModelsPanel } from './ModelsPanel';
import { UsagePanel } from './UsagePanel';
import { UsersPanel } from './UsersPanel';
import './admin.css';

const TABS = ['usage', 'users', 'grants', 'budgets', 'mcp', 'models', 'features', 'cache', 'feedback', 'activity'] as const;
export type AdminTab = (typeof TABS)[number];

interface Props {
  api: ApiClient;
  onExit: () => void;
  pushError: (e: unknown) => void;
  notify: (m: string) => void;
}

export default function AdminConsole({ api, onExit, pushError, notify }: Props) {
  const admin = useMemo(() => adminApi(api), [api]);
  const [tab, setTab] = useState<AdminTab>('usage');
  return (
    <div className="admin">
      <header className="admin-top">
        <h1>{t('admin.title')}</h1>
        <button type="button" className="btn small" onClick={onExit}>
          <Icon name="menu" size={14} /> {t('admin.backToChat')}
        </button>
      </header>
      <nav className="admin-tabs" role="tablist" aria-label={t('admin.title')}>
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'admin-tab on' : 'admin-tab'}
            onClick={() => setTab(name)}
          >
            {t(`admin.tab.${name}` as MessageKey)}
          </button>
        ))}
      </nav>
      <section className="admin-body" role="tabpanel" aria-label={t(`admin.tab.${tab}` as MessageKey)}>
        {tab === 'usage' && <UsagePanel admin={admin} pushError={pushError} />}
        {tab === 'users' && <UsersPanel admin={admin} pushError={pushError} />}
        {tab === 'grants' && <GrantsPanel admin={admin} pushError={pushError} notify={notify} />}
        {tab === 'budgets' && <BudgetsPanel admin={admin} pushError={pushError} notify={notify} />}
        {tab === 'mcp' && <McpPanel admin={admin} pushError={pushError} />}
        {tab === 'models' && <ModelsPanel admin={admin} pushError={pushError} notify={notify} />}
        {tab === 'features' && <FeaturesPanel admin={admin} pushError={pushError} notify={notify} />}
        {tab === 'cache' && <CachePanel admin={admin} pushError={pushError} />}
        {tab === 'feedback' && <FeedbackPanel admin={admin} pushError={pushError} />}
        {tab === 'activity' && <ActivityPanel admin={admin} pushError={pushError} />}
      </section>
    </div>
  );
}
