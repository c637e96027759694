// The admin console's API (every route is admin-only on the server; a non-admin gets 403) and
// the user's own usage and budget. Budgets are served by the budgets API
// (/api/admin/budgets/..., /api/me/budget); a server without it answers 404.
import { ApiError, type ApiClient } from '../../api';

export interface UsageTotals {
  turns: number;
  answered_turns: number;
  failed_turns: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cost_per_answered_turn: number | null;
}

export interface UsageGroup {
  key: string;
  label: string;
  turns: number;
  answered_turns: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

export interface Spender {
  empno: string;
  name: string | null;
  department: string | null;
  turns: number;
  cost_usd: number;
}

export interface AgentLatency {
  agent: string;
  answered_turns: number;
  p50_seconds: number | null;
  p95_seconds: number | null;
}

export interface UsageOverview {
  start: string;
  end: string;
  totals: UsageTotals;
  by_day: UsageGroup[];
  by_user: UsageGroup[];
  by_department: UsageGroup[];
  by_agent: UsageGroup[];
  by_model: UsageGroup[];
  top_spenders: Spender[];
  latency: AgentLatency[];
}

export interface MyUsage {
  start: string;
  end: string;
  totals: UsageTotals;
  by_day: UsageGroup[];
  by_agent: UsageGroup[];
  by_model: UsageGroup[];
}

export interface AdminUser {
  empno: string;
  name: string;
  department: string | null;
  company: string | null;
  roles: string[];
  is_admin: boolean;
  last_seen: string | null;
  active_agents: string[];
  spend_this_month_usd: number;
}

export interface AdminUserList {
  total: number;
  items: AdminUser[];
  departments: string[];
}

export interface AgentGrant {
  empno: string;
  agent_type: string;
  granted_by: string | null;
  granted_at: string | null;
  expires_at: string | null;
}

export interface McpServerPublic {
  name: string;
  transport: string;
  url?: string;
  command?: string;
  allowed_tools?: string[] | null;
}

export interface AgentMcpStatus {
  agent: string;
  title: string;
  configured: boolean;
  active: boolean;
  name: string | null;
  servers: McpServerPublic[];
  problems: string[];
}

export interface ServerTest {
  name: string;
  ok: boolean;
  elapsed_ms: number;
  tools: { name: string; description: string; allowed: boolean }[];
  problems: string[];
}

export interface ModelEnablement {
  providers: { provider: string; configured: boolean; enabled: boolean }[];
  models: { key: string; provider: string; display_name: string; configured: boolean; enabled: boolean }[];
}

export interface CacheStats {
  l1: { hits: number; items: number | null };
  l2: { hits: number; items: number | null };
  misses: number;
  writes: number;
  l2_errors: number;
  hit_rate: number;
  l1_maxsize: number;
  l2_size_bytes: number | null;
  hot_keys: number;
}

export interface FeatureSwitches {
  agents: { agent: string; description: string; enabled: boolean; switchable: boolean }[];
}

export interface ActivityRow {
  id: string;
  empno: string;
  user_name: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  metadata: Record<string, unknown>;
  timestamp: string;
}

export interface Budget {
  monthly_limit_usd: number | null;
  warn_ratio: number;
}

export type FeedbackRating = 'up' | 'down';

/** An answer's feedback as an administrator reviews it (GET /api/admin/feedback). */
export interface FeedbackReview {
  message_id: string;
  user_empno: string;
  user_name: string | null;
  rating: number;
  comment: string | null;
  created_at: string;
  updated_at: string;
  conversation_id: string;
  agent_type: string | null;
  model_used: string | null;
  answer: string;
  question: string | null;
}

export interface MyBudget extends Budget {
  spent_usd: number;
  state: 'ok' | 'warning' | 'exceeded';
  /** Whose budget binds: the user's own or their department's (whichever is fuller). */
  scope?: 'user' | 'department';
}

export interface UsageQuery {
  from?: string;
  to?: string;
  department?: string;
  agent?: string;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** null for a route this server does not have (an older server, or budgets not deployed). */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function adminApi(api: ApiClient) {
  const enc = encodeURIComponent;
  return {
    usage: (q: UsageQuery = {}) => api.call<UsageOverview>('GET', `/admin/usage${query({ ...q })}`),
    usageCsv: (groupBy: string, q: UsageQuery = {}) => api.blob(`/admin/usage/export.csv${query({ group_by: groupBy, ...q })}`),
    users: (q: string, department: string) => api.call<AdminUserList>('GET', `/admin/users${query({ q, department })}`),
    grants: (empno?: string) => api.call<AgentGrant[]>('GET', `/admin/permissions${query({ empno })}`),
    grant: (empno: string, agent: string, expiresAt: string | null) =>
      api.call<AgentGrant>('PUT', '/admin/permissions', { empno, agent, expires_at: expiresAt }),
    revoke: (empno: string, agent: string) => api.call<void>('DELETE', `/admin/permissions/${enc(empno)}/${enc(agent)}`),
    grantDepartment: (department: string, agent: string, expiresAt: string | null) =>
      api.call<{ empnos: string[] }>('PUT', `/admin/permissions/departments/${enc(department)}`, { agent, expires_at: expiresAt }),
    revokeDepartment: (department: string, agent: string) =>
      api.call<{ empnos: string[] }>('DELETE', `/admin/permissions/departments/${enc(department)}/${enc(agent)}`),
    mcpAgents: () => api.call<{ items: AgentMcpStatus[] }>('GET', '/admin/agents'),
    mcpTest: (agent: string) => api.call<{ ok: boolean; servers: ServerTest[] }>('POST', `/admin/agents/${enc(agent)}/mcp/test`),
    cache: () => api.call<CacheStats>('GET', '/admin/cache'),
    features: () => api.call<FeatureSwitches>('GET', '/admin/features'),
    putFeatures: (disabledAgents: string[]) =>
      api.call<FeatureSwitches>('PUT', '/admin/features', { disabled_agents: disabledAgents }),
    models: () => api.call<ModelEnablement>('GET', '/admin/models'),
    putModels: (disabledProviders: string[], disabledModels: string[]) =>
      api.call<ModelEnablement>('PUT', '/admin/models', { disabled_providers: disabledProviders, disabled_models: disabledModels }),
    activity: (f: { empno?: string; action?: string; resource_type?: string; target?: string; since?: string; until?: string }) =>
      api.call<{ items: ActivityRow[] }>('GET', `/admin/activity${query(f)}`),
    feedback: (f: { rating?: FeedbackRating; before?: string }) =>
      api.call<{ items: FeedbackReview[]; next_before: string | null }>('GET', `/admin/feedback${query(f)}`),
    userBudget: (empno: string) => orNull(api.call<Budget>('GET', `/admin/budgets/users/${enc(empno)}`)),
    putUserBudget: (empno: string, b: Budget) => api.call<Budget>('PUT', `/admin/budgets/users/${enc(empno)}`, b),
    departmentBudget: (department: string) => orNull(api.call<Budget>('GET', `/admin/budgets/departments/${enc(department)}`)),
    putDepartmentBudget: (department: string, b: Budget) =>
      api.call<Budget>('PUT', `/admin/budgets/departments/${enc(department)}`, b),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;

export function myUsage(api: ApiClient): Promise<MyUsage> {
  return api.call<MyUsage>('GET', '/me/usage');
}

export function myBudget(api: ApiClient): Promise<MyBudget | null> {
  return orNull(api.call<MyBudget>('GET', '/me/budget'));
}
