// Shared types for the portal backend contract (REST + WebSocket).

/** `GET ./config.json` — written by the deployment next to index.html. */
export interface RuntimeConfig {
  apiBase: string;
  wsUrl: string;
  local: boolean;
  /** Where and how the UI signs in (OIDC); null when config.json has no usable `auth`. */
  auth: AuthConfig | null;
}

/** config.json `auth`: the OIDC issuer the web UI signs in with (local issuer or Cognito). */
export interface AuthConfig {
  authority: string;
  clientId: string;
  scope: string;
  /** Cognito's `/logout` (it has no end_session_endpoint); absent -> end_session_endpoint. */
  logoutUrl?: string;
}

export interface Me {
  empno: string;
  name: string;
  company?: string | null;
  company_code: string | null;
  roles: string[];
  is_admin: boolean;
  department?: string | null;
}

export interface ModelInfo {
  key: string;
  provider: string;
  display_name: string;
  context_window: number;
  modalities: string[];
  input_price_per_mtok: number;
  output_price_per_mtok: number;
}

export interface ModelsResponse {
  models: ModelInfo[];
  /** null when the deployment has no model configured. */
  default: string | null;
  /** Every model of the catalog, usable here or not (absent from older servers). */
  catalog?: CatalogModel[];
}

export type CostTier = 'low' | 'medium' | 'high';

export interface CatalogModel extends ModelInfo {
  cost_tier: CostTier;
  available: boolean;
  unavailable_reason: string | null;
}

/** GET /api/me/agents: every agent, and whether this user can use it now. */
export interface AgentAccessInfo {
  agent: string;
  description: string;
  restricted: boolean;
  usable: boolean;
  reason: 'no_permission' | 'switched_off' | 'disabled_by_admin' | 'not_configured' | null;
}

export type Priority = 'cost' | 'speed' | 'quality' | 'balanced';

export interface Preferences {
  enable_deep_research: boolean;
  enable_web_search: boolean;
  enable_canvas_mode: boolean;
  enable_file_processing: boolean;
  model_preference: { model?: string; priority?: Priority };
  ui_preferences: { profile_collection?: boolean; theme?: string };
}

export interface PreferencesUpdate {
  enable_deep_research?: boolean;
  enable_web_search?: boolean;
  enable_canvas_mode?: boolean;
  enable_file_processing?: boolean;
  model?: string;
  priority?: Priority;
  profile_collection?: boolean;
}

export interface Conversation {
  id: string;
  title: string | null;
  workspace_id: string | null;
  created_at: string;
  updated_at: string;
  /** For a workspace's conversation: its title and the conversation's owner. */
  workspace_title?: string | null;
  owner_empno?: string | null;
  owner_name?: string | null;
  /** Someone else's, seen as a member of its workspace or shared with this user: read, not written. */
  shared?: boolean;
}

/** A search hit: the conversation, the message (null: its title) and a snippet in parts. */
export interface SearchHit {
  conversation_id: string;
  conversation_title: string | null;
  message_id: string | null;
  role: string | null;
  created_at: string;
  parts: { text: string; hit: boolean }[];
}

/** A prompt template: the user's own (mine) or one a colleague shared in the company. */
export interface PromptTemplate {
  id: string;
  title: string;
  body: string;
  shared: boolean;
  mine: boolean;
  owner_empno: string;
  owner_name?: string | null;
  updated_at: string;
}

/** A read-only share of a conversation with a colleague or a workspace. */
export interface ConversationShare {
  id: string;
  kind: 'person' | 'workspace';
  grantee_empno?: string | null;
  grantee_name?: string | null;
  workspace_id?: string | null;
  workspace_title?: string | null;
  created_at: string;
}

export interface RouteInfo {
  agent: string;
  confidence?: number | null;
  reason?: string | null;
  decided_by?: string | null;
  runners_up?: unknown[];
}

export interface Suggestion {
  agent: string;
  reason?: string | null;
}

/** Citations and fallbacks have a loose shape; the UI renders what it recognises. */
export type Citation = Record<string, unknown> | string;
export type Fallback = Record<string, unknown> | string;

export interface MessageMetadata {
  route?: RouteInfo;
  suggestion?: Suggestion;
  citations?: Citation[];
  fallbacks?: Fallback[];
  [key: string]: unknown;
}

export type Role = 'user' | 'assistant';

export type MessageStatus = 'pending' | 'streaming' | 'completed' | 'failed' | 'stopped';

export interface Message {
  id: string;
  role: Role;
  content: string;
  conversation_id?: string;
  turn_id?: string | null;
  status?: MessageStatus | string;
  agent_type?: string | null;
  model_used?: string | null;
  tokens_used?: number | null;
  cost_usd?: number | null;
  created_at: string;
  metadata?: MessageMetadata | null;
  /** The turn this one follows, and the turns beside it (regenerated, edited), oldest first. */
  previous_turn_id?: string | null;
  siblings?: string[];
  /** The reader's own feedback on an answer. */
  my_feedback?: MessageFeedback | null;
}

export interface MessageFeedback {
  rating: 'up' | 'down';
  comment?: string | null;
}

export const AGENTS = [
  'general',
  'web_search',
  'multimodal_rag',
  'canvas',
  'regulations',
  'legal',
  'accounting',
  'tax',
] as const;
export type AgentType = (typeof AGENTS)[number];

export const TOGGLES = ['web_search', 'deep_research', 'canvas'] as const;
export type Toggle = (typeof TOGGLES)[number];

export interface PostMessageRequest {
  content: string;
  agent?: AgentType;
  model?: string;
  toggle?: Toggle;
  /** Ids of completed uploaded files: the turn is answered from them (RAG). */
  attachments?: string[];
}

export interface PostMessageResponse {
  turn_id: string;
  message_id: string;
  conversation_id: string;
  status: 'started' | string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; correlation_id?: string };
}

// ---- WebSocket server events ----

export interface ChunkEvent {
  type: 'chunk';
  turn_id: string;
  seq: number;
  text: string;
}

export interface DoneEvent {
  type: 'done';
  turn_id: string;
  message_id?: string;
  agent?: string;
  model?: string;
  /** Seq of the turn's last chunk. */
  last_seq?: number;
}

export interface ErrorEvent {
  type: 'error';
  turn_id?: string;
  code: string;
  message: string;
  /** Present when the error answers one of this client's frames (`resume`, `join`, …). */
  action?: string;
  workspace_id?: string;
}

export interface PongEvent {
  type: 'pong';
}

/** Events the UI does not interpret in detail yet; kept loose on purpose. */
export interface OtherEvent {
  type:
    | 'file.status'
    | 'presence'
    | 'user_joined'
    | 'user_left'
    | 'artifact.updated'
    | 'message.created';
  conversation_id?: string;
  [key: string]: unknown;
}

/** Socket auth: the re-auth frame was accepted (`exp` of the new token, epoch seconds). */
export interface AuthOkEvent {
  type: 'auth_ok';
  exp?: number;
}

/** The socket's token expired: the server closes it; reconnect with a fresh token + `resume`. */
export interface AuthExpiredEvent {
  type: 'auth_expired';
}

export type ServerEvent = ChunkEvent | DoneEvent | ErrorEvent | PongEvent | AuthOkEvent | AuthExpiredEvent | OtherEvent;

export type ClientAction =
  | { action: 'ping' }
  | { action: 'resume'; turn_id: string; after_seq: number }
  | { action: 'join'; workspace_id: string }
  | { action: 'leave'; workspace_id: string }
  /** Re-authenticate an open socket with a fresh ID token (answered by `auth_ok`). */
  | { action: 'auth'; token: string };

// ---- Files (`/api/files`) ----

export type FileStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface PortalFile {
  id: string;
  name: string;
  size: number | null;
  type: string | null;
  mime_type: string | null;
  workspace_id: string | null;
  owner: string;
  status: FileStatus | string;
  /** 0-100 */
  progress: number;
  reason: string | null;
  pages: number | null;
  chunks: number | null;
  created_at: string;
  processed_at: string | null;
}

export interface PresignedUpload {
  method: string;
  url: string;
  fields: Record<string, string>;
  expires_in: number;
  max_bytes: number;
}

export interface FileUploadResponse {
  file: PortalFile;
  upload: PresignedUpload;
}

export interface FileStatusEvent {
  type: 'file.status';
  file_id: string;
  status: FileStatus | string;
  /** 0-100 (a 0-1 fraction is accepted too). */
  progress?: number;
  reason?: string | null;
}

// ---- Workspaces and artifacts ----

export type WorkspaceRole = 'owner' | 'editor' | 'viewer';

export interface Workspace {
  id: string;
  title: string;
  description: string | null;
  owner_empno: string;
  owner_name: string | null;
  visibility: 'private' | 'team' | 'public' | string;
  status: 'active' | 'archived' | string;
  personal: boolean;
  role: WorkspaceRole | string;
  collaborators?: Collaborator[];
  created_at: string;
  updated_at: string;
}

export type CollaboratorRole = 'editor' | 'viewer';

export interface Collaborator {
  empno: string;
  role: CollaboratorRole;
  name: string | null;
  added_at: string | null;
}

/** A colleague found in the directory (GET /api/directory/users). */
export interface DirectoryUser {
  empno: string;
  name: string;
  department: string | null;
}

export interface ArtifactSummary {
  id: string;
  version_id: string;
  parent_version_id: string | null;
  workspace_id: string;
  type: string;
  title: string | null;
  description: string | null;
  metadata: Record<string, unknown>;
  version: number;
  status: string;
  created_by: string;
  created_by_name: string | null;
  turn_id: string | null;
  created_at: string;
}

export interface Artifact extends ArtifactSummary {
  content: unknown;
}

export interface PresenceUser {
  empno: string;
  name: string;
  joined_at?: number;
  connections?: number;
}

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
