// Typed REST client for the portal backend.
import type {
  AgentAccessInfo,
  CollaboratorRole,
  DirectoryUser,
  Preferences,
  PreferencesUpdate,
  Artifact,
  ArtifactSummary,
  Conversation,
  FileUploadResponse,
  PortalFile,
  PresignedUpload,
  Workspace,
  Me,
  Message,
  MessageFeedback,
  ModelsResponse,
  PostMessageRequest,
  PostMessageResponse,
  AuthConfig,
  RuntimeConfig,
  ConversationShare,
  PromptTemplate,
  SearchHit,
} from './types';
import { agentName } from './format';
import { errorText, t } from './messages';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** An error reported by the backend (`{"error": {...}}`) or by the network. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly correlationId?: string;
  /** The whole `error` object (e.g. `current` of a 409 `stale_version`). */
  readonly details?: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    correlationId?: string,
    details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.correlationId = correlationId;
    this.details = details;
  }
}

/** Shown while the client waits to retry a 503 the server asked to retry (Aurora resuming). */
export function retryingMessage(): string {
  return t('api.retrying');
}


/** Retries of one request on 503 + Retry-After, and the longest single wait honoured. */
export const MAX_RETRIES = 4;
const MAX_RETRY_AFTER_SECONDS = 30;

/**
 * How long to wait before retrying, when the server asked for it: a 503 with
 * `Retry-After: <seconds>` (the API's "database is waking up" answer). Otherwise null.
 */
export function retryAfterMs(res: Response): number | null {
  if (res.status !== 503) return null;
  const header = res.headers.get('Retry-After');
  if (!header || !/^\d+$/.test(header.trim())) return null;
  return Math.min(Number(header.trim()), MAX_RETRY_AFTER_SECONDS) * 1000;
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function fallbackCode(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'bad_request';
}

/**
 * Turn a failed response into an ApiError. Understands the backend's
 * `{"error": {"code","message","correlation_id"?}}` body and degrades gracefully
 * for anything else (HTML from a proxy, empty body, FastAPI-style `detail`).
 */
export async function parseError(res: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    /* body unreadable: fall through to the status-based message */
  }
  const status = res.status;
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (body && typeof body === 'object') {
    const err = (body as { error?: unknown }).error;
    if (err && typeof err === 'object') {
      const e = err as { code?: unknown; message?: unknown; correlation_id?: unknown };
      const code = typeof e.code === 'string' && e.code ? e.code : fallbackCode(status);
      const server = typeof e.message === 'string' ? e.message : '';
      const details = err as Record<string, unknown>;
      const vars = Object.fromEntries(
        Object.entries(details).filter((kv): kv is [string, string | number] => ['string', 'number'].includes(typeof kv[1])),
      );
      if (typeof vars.agent === 'string') vars.agent = agentName(vars.agent);
      const message = errorText(code, status, server, vars);
      const cid = typeof e.correlation_id === 'string' ? e.correlation_id : undefined;
      return new ApiError(status, code, message, cid, details);
    }
    if (typeof err === 'string' && err) return new ApiError(status, fallbackCode(status), errorText('', status, err));
    const detail = (body as { detail?: unknown }).detail;
    if (typeof detail === 'string' && detail) {
      return new ApiError(status, fallbackCode(status), errorText('', status, detail));
    }
  }
  return new ApiError(status, fallbackCode(status), errorText('', status, ''));
}

/** `fetch` that turns network failures into ApiError(status 0, "network_error"). */
async function safeFetch(fetchImpl: FetchLike, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', t('error.network'));
  }
}

function defaultFetch(): FetchLike {
  return (input, init) => fetch(input, init);
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}

/** Load `./config.json` (relative to the page, so it works under any prefix). */
export async function loadConfig(fetchImpl: FetchLike = defaultFetch()): Promise<RuntimeConfig> {
  const res = await safeFetch(fetchImpl, './config.json', { cache: 'no-store' });
  if (!res.ok) throw await parseError(res);
  const raw = (await res.json()) as Partial<RuntimeConfig>;
  return {
    apiBase: typeof raw.apiBase === 'string' && raw.apiBase ? raw.apiBase : '/api',
    wsUrl: typeof raw.wsUrl === 'string' ? raw.wsUrl : '',
    local: raw.local === true,
    auth: authConfigOf((raw as { auth?: unknown }).auth),
  };
}

/** config.json `auth`, or null when it is missing or lacks the issuer or client id. */
export function authConfigOf(raw: unknown): AuthConfig | null {
  if (!raw || typeof raw !== 'object') return null;
  const a = raw as Record<string, unknown>;
  if (typeof a.authority !== 'string' || !a.authority || typeof a.clientId !== 'string' || !a.clientId) return null;
  return {
    authority: a.authority,
    clientId: a.clientId,
    scope: typeof a.scope === 'string' && a.scope ? a.scope : 'openid profile email',
    ...(typeof a.logoutUrl === 'string' && a.logoutUrl ? { logoutUrl: a.logoutUrl } : {}),
  };
}

export interface ApiClientOptions {
  apiBase: string;
  /** The current ID token, read for every request (a refreshed token is used at once). */
  getToken: () => string | null;
  fetchImpl?: FetchLike;
  /**
   * On a 401: renew the session and answer the new token; the request is then sent once
   * more with it. (A token can expire between the renewal timer and a request.)
   */
  renewToken?: () => Promise<string | null>;
  /** Called on a 401 that a renewed token did not cure: the session is over. */
  onUnauthorized?: (err: ApiError) => void;
  /** Called before each automatic retry of a 503 with Retry-After (e.g. to show retryingMessage()). */
  onRetry?: (attempt: number, delayMs: number) => void;
  /** Called whenever the server answered (anything but a network failure or a 5xx): a
   * notice about being unable to reach it can go. */
  onAnswered?: () => void;
  /** Waits between retries (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export class ApiClient {
  private readonly base: string;
  private readonly getToken: () => string | null;
  private readonly fetchImpl: FetchLike;
  private readonly onUnauthorized?: (err: ApiError) => void;
  private readonly renewToken?: () => Promise<string | null>;
  private readonly onRetry?: (attempt: number, delayMs: number) => void;
  private readonly onAnswered?: () => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: ApiClientOptions) {
    this.base = trimSlash(opts.apiBase || '/api');
    this.getToken = opts.getToken;
    this.fetchImpl = opts.fetchImpl ?? defaultFetch();
    this.onUnauthorized = opts.onUnauthorized;
    this.renewToken = opts.renewToken;
    this.onRetry = opts.onRetry;
    this.onAnswered = opts.onAnswered;
    this.sleep = opts.sleep ?? sleepMs;
  }

  private async send(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    let res = await safeFetch(this.fetchImpl, `${this.base}${path}`, init);
    // The server answers 503 + Retry-After only when it did nothing (a paused database
    // waking up), so any method may be sent again.
    for (let attempt = 1; attempt <= MAX_RETRIES; attempt++) {
      const delay = retryAfterMs(res);
      if (delay === null) break;
      this.onRetry?.(attempt, delay);
      await this.sleep(delay);
      res = await safeFetch(this.fetchImpl, `${this.base}${path}`, init);
    }
    if (res.status < 500) this.onAnswered?.();
    return res;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const token = this.getToken();
    let res = await this.send(method, path, token, body);
    if (res.status === 401 && this.renewToken) {
      const renewed = await this.renewToken().catch(() => null);
      if (renewed && renewed !== token) res = await this.send(method, path, renewed, body);
    }
    if (!res.ok) {
      const err = await parseError(res);
      if (err.status === 401) this.onUnauthorized?.(err);
      throw err;
    }
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'bad_response', t('api.badResponse'));
    }
  }

  me(): Promise<Me> {
    return this.json<Me>('GET', '/me');
  }

  /** Any JSON route (the admin console's client, components/admin/adminApi.ts, builds on it). */
  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.json<T>(method, path, body);
  }

  /** A route's body as a Blob (CSV exports), with the same auth, retries and errors. */
  async blob(path: string): Promise<Blob> {
    return (await this.request('GET', path)).blob();
  }

  preferences(): Promise<Preferences> {
    return this.json<Preferences>('GET', '/me/preferences');
  }

  updatePreferences(changes: PreferencesUpdate): Promise<Preferences> {
    return this.json<Preferences>('PUT', '/me/preferences', changes);
  }

  /** Every agent and whether this user may use it now (locked ones say why). */
  async agents(): Promise<AgentAccessInfo[]> {
    try {
      const r = await this.json<{ agents: AgentAccessInfo[] }>('GET', '/me/agents');
      return Array.isArray(r?.agents) ? r.agents : [];
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return []; // an older server: nothing is locked
      throw e;
    }
  }

  /** Model catalogue, or `null` when the endpoint does not exist yet (404). */
  async models(): Promise<ModelsResponse | null> {
    try {
      const r = await this.json<ModelsResponse>('GET', '/models');
      if (!r || !Array.isArray(r.models)) return null;
      return r;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }

  async listConversations(): Promise<Conversation[]> {
    return (await this.conversationPage()).items;
  }

  // ---- conversation tools (convs branch): paging, rename, search, export, shares ----

  /** One page of the list, most recent first; `next` continues it (null on the last page). */
  async conversationPage(after?: string | null, limit = 50): Promise<{ items: Conversation[]; next: string | null }> {
    const q = new URLSearchParams();
    if (limit !== 50) q.set('limit', String(limit)); // the server's default page
    if (after) q.set('after', after);
    const query = q.toString();
    const r = await this.json<{ items: Conversation[]; next_cursor?: string | null }>(
      'GET',
      `/conversations${query ? `?${query}` : ''}`,
    );
    return { items: r?.items ?? [], next: r?.next_cursor ?? null };
  }

  renameConversation(id: string, title: string): Promise<Conversation> {
    return this.json<Conversation>('PATCH', `/conversations/${encodeURIComponent(id)}`, { title });
  }

  async searchConversations(q: string): Promise<SearchHit[]> {
    const r = await this.json<{ items: SearchHit[] }>('GET', `/conversations/search?q=${encodeURIComponent(q)}`);
    return r?.items ?? [];
  }

  /** The conversation as a Markdown file: its text and the file name the server suggests. */
  async exportConversation(id: string): Promise<{ text: string; filename: string }> {
    const res = await this.request('GET', `/conversations/${encodeURIComponent(id)}/export`);
    const disposition = res.headers.get('content-disposition') ?? '';
    const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    let filename = 'conversation.md';
    if (m) {
      try {
        filename = decodeURIComponent(m[1]);
      } catch {
        /* keep the plain name */
      }
    }
    return { text: await res.text(), filename };
  }

  async listShares(id: string): Promise<ConversationShare[]> {
    const r = await this.json<{ items: ConversationShare[] }>('GET', `/conversations/${encodeURIComponent(id)}/shares`);
    return r?.items ?? [];
  }

  addShare(id: string, target: { empno: string } | { workspace_id: string }): Promise<ConversationShare> {
    return this.json<ConversationShare>('POST', `/conversations/${encodeURIComponent(id)}/shares`, target);
  }

  async revokeShare(id: string, shareId: string): Promise<void> {
    await this.request('DELETE', `/conversations/${encodeURIComponent(id)}/shares/${encodeURIComponent(shareId)}`);
  }

  /** A short-lived link that opens a file the user may read (a PDF at `page`). */
  async fileLink(fileId: string, page: number | null): Promise<string> {
    const q = page ? `?page=${page}` : '';
    const r = await this.json<{ url: string }>('GET', `/files/${encodeURIComponent(fileId)}/link${q}`);
    return r.url;
  }

  async listTemplates(): Promise<PromptTemplate[]> {
    const r = await this.json<{ items: PromptTemplate[] }>('GET', '/prompt-templates');
    return r?.items ?? [];
  }

  createTemplate(body: { title: string; body: string; shared: boolean }): Promise<PromptTemplate> {
    return this.json<PromptTemplate>('POST', '/prompt-templates', body);
  }

  updateTemplate(id: string, changes: { title?: string; body?: string; shared?: boolean }): Promise<PromptTemplate> {
    return this.json<PromptTemplate>('PATCH', `/prompt-templates/${encodeURIComponent(id)}`, changes);
  }

  async deleteTemplate(id: string): Promise<void> {
    await this.request('DELETE', `/prompt-templates/${encodeURIComponent(id)}`);
  }

  createConversation(req: { title?: string; workspace_id?: string } = {}): Promise<Conversation> {
    return this.json<Conversation>('POST', '/conversations', req);
  }

  getConversation(id: string): Promise<Conversation> {
    return this.json<Conversation>('GET', `/conversations/${encodeURIComponent(id)}`);
  }

  async deleteConversation(id: string): Promise<void> {
    await this.request('DELETE', `/conversations/${encodeURIComponent(id)}`);
  }

  async listMessages(conversationId: string): Promise<Message[]> {
    const r = await this.json<{ items: Message[] }>(
      'GET',
      `/conversations/${encodeURIComponent(conversationId)}/messages`,
    );
    return r?.items ?? [];
  }

  postMessage(conversationId: string, req: PostMessageRequest): Promise<PostMessageResponse> {
    return this.json<PostMessageResponse>(
      'POST',
      `/conversations/${encodeURIComponent(conversationId)}/messages`,
      req,
    );
  }

  /** What the portal learned from the user's questions (and whether it is still collecting). */
  profile(): Promise<{ collecting: boolean; topics: string[]; agents: string[]; turns: number }> {
    return this.json('GET', '/me/profile');
  }

  async deleteProfile(): Promise<void> {
    await this.request('DELETE', '/me/profile');
  }

  // ---- turn controls (stop, regenerate, edit, branches) and feedback ----

  private turnPath(conversationId: string, turnId: string, action: string): string {
    return `/conversations/${encodeURIComponent(conversationId)}/turns/${encodeURIComponent(turnId)}/${action}`;
  }

  /** Stop a running turn; the stored (stopped) answer comes back. */
  stopTurn(conversationId: string, turnId: string): Promise<Message> {
    return this.json<Message>('POST', this.turnPath(conversationId, turnId, 'stop'));
  }

  /** The same question answered again (with another model when given), as a new branch. */
  regenerate(conversationId: string, turnId: string, model?: string | null): Promise<PostMessageResponse> {
    return this.json<PostMessageResponse>('POST', this.turnPath(conversationId, turnId, 'regenerate'), model ? { model } : {});
  }

  /** The question rewritten and sent again as a new branch (the earlier one stays). */
  editTurn(conversationId: string, turnId: string, content: string): Promise<PostMessageResponse> {
    return this.json<PostMessageResponse>('POST', this.turnPath(conversationId, turnId, 'edit'), { content });
  }

  /** Show the branch through this turn. */
  showBranch(conversationId: string, turnId: string): Promise<{ current_turn_id: string }> {
    return this.json('PUT', `/conversations/${encodeURIComponent(conversationId)}/branch`, { turn_id: turnId });
  }

  rateMessage(messageId: string, rating: 'up' | 'down', comment?: string | null): Promise<MessageFeedback> {
    return this.json<MessageFeedback>('POST', `/messages/${encodeURIComponent(messageId)}/feedback`, {
      rating,
      comment: comment ?? null,
    });
  }

  // ---- files ----

  /** Register an upload: the server checks type/size/quota/name before any byte is sent. */
  createFile(req: { name: string; size: number; type: string; workspace_id?: string }): Promise<FileUploadResponse> {
    return this.json<FileUploadResponse>('POST', '/files', req);
  }

  async listFiles(workspaceId?: string): Promise<PortalFile[]> {
    const q = workspaceId ? `?workspace_id=${encodeURIComponent(workspaceId)}` : '';
    const r = await this.json<{ items: PortalFile[] }>('GET', `/files${q}`);
    return r?.items ?? [];
  }

  getFile(id: string): Promise<PortalFile> {
    return this.json<PortalFile>('GET', `/files/${encodeURIComponent(id)}`);
  }

  async deleteFile(id: string): Promise<void> {
    await this.request('DELETE', `/files/${encodeURIComponent(id)}`);
  }

  // ---- workspaces ----

  async listWorkspaces(): Promise<Workspace[]> {
    const r = await this.json<{ items: Workspace[] }>('GET', '/workspaces');
    return r?.items ?? [];
  }

  createWorkspace(req: { title: string; description?: string }): Promise<Workspace> {
    return this.json<Workspace>('POST', '/workspaces', req);
  }

  async searchDirectory(q: string): Promise<DirectoryUser[]> {
    const r = await this.json<{ items: DirectoryUser[] }>('GET', `/directory/users?q=${encodeURIComponent(q)}&limit=8`);
    return r?.items ?? [];
  }

  /** Add a colleague or change their role (the owner only). */
  putCollaborator(workspaceId: string, empno: string, role: CollaboratorRole): Promise<Workspace> {
    return this.json<Workspace>('POST', `/workspaces/${encodeURIComponent(workspaceId)}/collaborators`, { empno, role });
  }

  async removeCollaborator(workspaceId: string, empno: string): Promise<void> {
    await this.request('DELETE', `/workspaces/${encodeURIComponent(workspaceId)}/collaborators/${encodeURIComponent(empno)}`);
  }

  async listArtifacts(workspaceId: string): Promise<ArtifactSummary[]> {
    const r = await this.json<{ items: ArtifactSummary[] }>(
      'GET',
      `/workspaces/${encodeURIComponent(workspaceId)}/artifacts`,
    );
    return r?.items ?? [];
  }

  getArtifact(workspaceId: string, artifactId: string): Promise<Artifact> {
    return this.json<Artifact>(
      'GET',
      `/workspaces/${encodeURIComponent(workspaceId)}/artifacts/${encodeURIComponent(artifactId)}`,
    );
  }

  createArtifact(
    workspaceId: string,
    req: { type: string; title: string; content: unknown },
  ): Promise<Artifact> {
    return this.json<Artifact>('POST', `/workspaces/${encodeURIComponent(workspaceId)}/artifacts`, req);
  }

  /** One stored version of an artifact, with its content. */
  getArtifactVersion(workspaceId: string, artifactId: string, version: number): Promise<Artifact> {
    return this.json<Artifact>(
      'GET',
      `/workspaces/${encodeURIComponent(workspaceId)}/artifacts/${encodeURIComponent(artifactId)}/versions/${version}`,
    );
  }

  /** Save the next version; 409 `stale_version` (with `details.current`) if base_version is old. */
  updateArtifact(
    workspaceId: string,
    artifactId: string,
    req: { base_version: number; title?: string; content?: unknown },
  ): Promise<Artifact> {
    return this.json<Artifact>(
      'PATCH',
      `/workspaces/${encodeURIComponent(workspaceId)}/artifacts/${encodeURIComponent(artifactId)}`,
      req,
    );
  }

  async artifactHistory(workspaceId: string, artifactId: string): Promise<ArtifactSummary[]> {
    const r = await this.json<{ items: ArtifactSummary[] }>(
      'GET',
      `/workspaces/${encodeURIComponent(workspaceId)}/artifacts/${encodeURIComponent(artifactId)}/versions`,
    );
    return r?.items ?? [];
  }
}

/**
 * Send the file to the presigned POST: every policy field first, the file last (S3 ignores
 * form parts after `file`). No Authorization header: the signature is in the fields.
 * XMLHttpRequest (not fetch) because only it reports upload progress.
 */
export function uploadToPresigned(
  upload: PresignedUpload,
  file: Blob,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, String(v));
  form.append('file', file);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method || 'POST', upload.url);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new ApiError(xhr.status, 'upload_failed', s3ErrorMessage(xhr.status, xhr.responseText)));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', t('api.uploadNetwork')));
    xhr.send(form);
  });
}

/** S3 answers XML (`<Code>EntityTooLarge</Code><Message>…`): show its message if present. */
export function s3ErrorMessage(status: number, body: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  if (code === 'EntityTooLarge') return t('api.uploadTooLarge');
  const msg = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return msg ? t('api.uploadFailedWith', { reason: msg }) : t('api.uploadFailedHttp', { status });
}
