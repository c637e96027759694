// The signed-in portal: composes the hooks (connection, chat, turns, files, workspace) and
// lays out their views. State and its rules live in the hooks and their reducers.
import { lazy, Suspense, useEffect, useState } from 'react';
import { retryingMessage, type FetchLike } from './api';
import { AGENT_LABELS } from './format';
import { errorText, t } from './messages';
import type {
  AgentAccessInfo,
  AgentType,
  Conversation,
  Me,
  ModelsResponse,
  PostMessageRequest,
  PostMessageResponse,
  RuntimeConfig,
  ServerEvent,
} from './types';
import type { PortalSocketOptions, SocketFactory } from './ws';
import { Banners } from './components/Banners';
import { ChatPane } from './components/ChatPane';
import type { TurnControls } from './components/TurnActions';
import { Composer, type ComposerSettings } from './components/Composer';
import { ConnectionBadge } from './components/ConnectionBadge';
import { SessionEndedBanner } from './components/SessionEndedBanner';
import { Sidebar } from './components/Sidebar';
import { Icon } from './components/Icon';
import { FilesPanel } from './components/FilesPanel';
import { WorkspaceList } from './components/WorkspaceList';
import { WorkspacePanel } from './components/WorkspacePanel';
import { SettingsPanel } from './components/SettingsPanel';
import { ShareDialog } from './components/ShareDialog';
import { TemplatesDialog } from './components/TemplatesDialog';
import { FileOpenerContext, openInNewTab } from './components/FileLink';
import { useTemplates } from './hooks/useTemplates';
import { useConversationSearch } from './hooks/useConversationSearch';
import { useTheme } from './hooks/useTheme';
import type { Auth } from './hooks/useAuth';
import { useBanners } from './hooks/useBanners';
import { isBudgetRefusal, isBudgetWarning, useBudget } from './hooks/useBudget';
import { useChat } from './hooks/useChat';
import { useConnection } from './hooks/useConnection';
import { conversationLink, useConversationUrl } from './hooks/useConversationUrl';
import { useFiles } from './hooks/useFiles';
import { useTurns, type Timing } from './hooks/useTurns';
import { useWorkspace } from './hooks/useWorkspace';
import { useAdminPath } from './hooks/useAdminPath';
import { useSheetEscape } from './hooks/useSheetEscape';

// The admin console (and its chart library) is fetched only when an admin opens it.
const AdminConsole = lazy(() => import('./components/admin/AdminConsole'));

export interface PortalProps {
  config: RuntimeConfig;
  auth: Auth;
  fetchImpl?: FetchLike;
  createSocket?: SocketFactory;
  socketOptions?: Partial<Omit<PortalSocketOptions, 'url' | 'createSocket'>>;
  timing?: Partial<Timing>;
}

export function Portal({ config, auth, fetchImpl, createSocket, socketOptions, timing }: PortalProps) {
  const conn = useConnection(config, auth, { fetchImpl, createSocket, socketOptions });
  const { api, socket } = conn;
  const banners = useBanners();
  conn.onRetry.current = () => banners.push('info', retryingMessage(), undefined, 'connectivity');
  // The server answered: notices that it could not be reached (or was waking up) are stale.
  conn.onAnswered.current = () => banners.clear('connectivity');
  const workspace = useWorkspace(api, socket, banners.pushError, (m) => banners.push('info', m));
  const files = useFiles(api, banners.pushError, workspace.active?.id ?? null);
  const chat = useChat(api, banners.pushError);
  const budget = useBudget(api, banners);
  const turns = useTurns(
    api,
    socket,
    chat,
    {
      error: (m) => banners.push('error', m),
      realtime: (m) => banners.push('error', m, undefined, 'realtime'),
      // The budget's hard stop is a state the budget notice shows (and clears), not a one-off error.
      pushError: (e) => (isBudgetRefusal(e) ? budget.refused(e) : banners.pushError(e)),
      // Not a member (or deleted): closed with the same notice as an address that names it.
      joinRefused: (m, code, workspaceId) =>
        code === 'not_found' && workspaceId
          ? workspace.refused(workspaceId)
          : banners.push('error', t('error.join_refused', { reason: errorText(code, 0, m) || t('error.realtime') })),
    },
    timing,
  );
  // A workspace member started a conversation: it joins the list live. Joining or leaving a
  // workspace changes which conversations are listed, so the list is re-read.
  const onConversationEvent = (ev: ServerEvent): boolean => {
    const e = ev as unknown as { type: string; conversation?: Conversation; workspace_id?: unknown };
    if (e.type === 'conversation.created' && e.conversation && typeof e.conversation.id === 'string') {
      chat.added(e.conversation);
      banners.push(
        'info',
        t('conv.sharedNew', {
          owner: e.conversation.owner_name ?? e.conversation.owner_empno ?? '',
          workspace: e.conversation.workspace_title ?? '',
        }),
      );
      return true;
    }
    if (e.type === 'agents.access') {
      // An administrator granted or revoked an agent: the composer's list follows at once.
      void refreshAgents();
      banners.push('info', t('admin.accessChanged'));
      return true;
    }
    if (e.type === 'workspace.membership') {
      // Removed from its workspace: the open shared conversation is no longer readable.
      const open = chat.state.conversations.find((c) => c.id === chat.activeId());
      if ((e as { role?: unknown }).role == null && open?.shared && open.workspace_id === e.workspace_id) {
        chat.open(null);
      }
      void chat.refreshConversations();
    }
    return false;
  };
  conn.handlers.current = {
    onStatus: (st, s) => {
      // A new connection is in no workspace: (re)join the open one; the live connection and
      // the server are back, so notices that said otherwise go.
      if (st === 'open') {
        workspace.rejoin();
        banners.clear('realtime');
        banners.clear('connectivity');
      }
      turns.onStatus(st, s);
    },
    onTurn: (st) => turns.onActivity(st.turnId),
    onEvent: (ev) => {
      // A Canvas turn outside a workspace creates the personal "내 캔버스": list it at once.
      if (ev.type === 'done' && ev.agent === 'canvas') void workspace.refresh();
      // A finished turn spent money: the budget's state may have changed either way.
      if (ev.type === 'done' || ev.type === 'error') budget.refresh();
      if (isBudgetWarning(ev)) {
        budget.warned(ev);
        return;
      }
      if (onConversationEvent(ev)) return;
      if (turns.onEvent(ev)) return;
      // file.status, presence, user_joined/left, artifact.updated
      files.onEvent(ev);
      workspace.onEvent(ev);
    },
  };

  const [me, setMe] = useState<Me | null>(null);
  const [models, setModels] = useState<ModelsResponse | null>(null);
  const [agents, setAgents] = useState<AgentAccessInfo[]>([]);
  const [showSettings, setShowSettings] = useState(false);
  const [adminPath, setAdminPath] = useAdminPath();
  const [theme, setTheme] = useTheme();
  const { report } = banners;
  const refreshAgents = () => api.agents().then(setAgents, report);
  useEffect(() => {
    api.agents().then(setAgents, report);
  }, [api, report]);
  useEffect(() => {
    api.me().then(setMe, report);
    api.models().then(
      (m) => setModels(m && m.models.length > 0 ? m : null),
      (e) => {
        setModels(null);
        report(e);
      },
    );
  }, [api, report]);

  const [settings, setSettings] = useState<ComposerSettings>({ agent: null, toggle: null, model: null });
  const [focusNonce, setFocusNonce] = useState(0);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [showFiles, setShowFiles] = useState(false);
  const [wideCanvas, setWideCanvas] = useState(false);

  const activeId = chat.state.activeId;
  const search = useConversationSearch(api, banners.pushError);
  const [sharingId, setSharingId] = useState<string | null>(null);
  const templates = useTemplates(api, (m) => banners.push('info', m), banners.pushError);
  const [showTemplates, setShowTemplates] = useState(false);
  const selectConversation = (id: string) => {
    setSidebarOpen(false);
    if (id === chat.activeId()) return;
    turns.pruneFinished();
    chat.open(id);
  };
  // Opened from a link or a search hit beyond the loaded pages: list it (title, owner,
  // read-only) once the first page is in; one the server does not know (or no longer shares)
  // closes (loading its messages already said so in a banner).
  const listLoaded = !chat.state.convLoading;
  const { ensureListed, open: openConversation, activeId: currentId } = chat;
  useEffect(() => {
    if (!listLoaded || !activeId) return;
    void ensureListed(activeId).then((ok) => {
      if (!ok && currentId() === activeId) openConversation(null);
    });
  }, [listLoaded, activeId, ensureListed, openConversation, currentId]);
  useConversationUrl(
    { conversation: activeId, workspace: workspace.activeId },
    {
      conversation: (id) => (id ? selectConversation(id) : chat.open(null)),
      workspace: (id) => workspace.open(id),
    },
  );
  const openFile = (fileId: string, page: number | null) => openInNewTab(api.fileLink(fileId, page), banners.pushError);
  const conversationActions = {
    onRename: async (id: string, title: string) => {
      try {
        await chat.rename(id, title);
        return true;
      } catch (e) {
        banners.pushError(e);
        return false;
      }
    },
    onShare: (id: string) => setSharingId(id),
    onExport: (id: string) => {
      void api.exportConversation(id).then(({ text, filename }) => {
        const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        banners.push('info', t('convs.exported', { name: filename }));
      }, banners.pushError);
    },
    onCopyLink: (id: string) => {
      const link = conversationLink(id);
      const done = () => banners.push('info', t('convs.linkCopied'));
      if (navigator.clipboard?.writeText) void navigator.clipboard.writeText(link).then(done, () => window.prompt(t('convs.copyLink'), link));
      else window.prompt(t('convs.copyLink'), link);
    },
  };

  const newChat = () => {
    setSidebarOpen(false);
    turns.pruneFinished();
    chat.open(null);
    setFocusNonce((n) => n + 1);
  };

  const deleteConversation = async (id: string) => {
    try {
      await chat.remove(id);
      turns.forget(id);
      if (chat.activeId() === null) setFocusNonce((n) => n + 1);
    } catch (e) {
      banners.pushError(e);
    }
  };

  const send = async (text: string): Promise<boolean> => {
    const content = text.trim();
    if (!content) return false;
    // Another member's conversation is read here; the server refuses writes into it.
    const current = chat.state.conversations.find((c) => c.id === chat.activeId());
    if (current?.shared) {
      banners.push('info', t('conv.readOnly', { owner: current.owner_name ?? current.owner_empno ?? '' }));
      return false;
    }
    // A locked agent is refused here, before a conversation is created for the message.
    const locked = settings.agent ? agents.find((a) => a.agent === settings.agent && !a.usable) : undefined;
    if (locked && settings.agent) {
      const name = AGENT_LABELS[settings.agent];
      const why =
        locked.reason === 'no_permission'
          ? t('error.agent_locked', { agent: name })
          : locked.reason === 'disabled_by_admin'
            ? t('error.agent_disabled')
            : t('error.feature_disabled');
      banners.push('error', why);
      return false;
    }
    let conversationId = chat.activeId();
    if (conversationId && turns.inFlight(conversationId)) return false;
    let created = false;
    if (!conversationId) {
      try {
        conversationId = (await chat.create(content, workspace.active?.id ?? null)).id;
        created = true;
      } catch (e) {
        banners.pushError(e);
        return false;
      }
    }
    const body: PostMessageRequest = { content };
    if (settings.agent) body.agent = settings.agent;
    if (settings.model) body.model = settings.model;
    if (settings.toggle) body.toggle = settings.toggle;
    // Attached files go as ids; the supervisor looks them up and routes to the files agent.
    const attached = files.attachments;
    if (attached.length > 0) body.attachments = [...attached];
    const ok = await turns.send(conversationId, body);
    if (ok) budget.refresh(); // accepted: a refusal shown before no longer holds
    if (ok && attached.length > 0) files.clearAttachments();
    // The server refused the first message (e.g. a grant revoked meanwhile): leave no empty
    // conversation behind.
    if (!ok && created) void chat.remove(conversationId).catch(() => {});
    return ok;
  };

  /** Regenerate or edit: the shown branch ends before that turn, and the new turn streams after it. */
  const branchFrom = async (turnId: string, content: string, post: (cid: string) => Promise<PostMessageResponse>): Promise<boolean> => {
    const conversationId = chat.activeId();
    if (!conversationId || turns.inFlight(conversationId)) return false;
    const shown = chat.state.messages;
    const at = shown.findIndex((m) => m.role === 'user' && m.turn_id === turnId);
    if (at < 0) return false;
    chat.replaceMessages(conversationId, shown.slice(0, at));
    const ok = await turns.send(conversationId, { content }, () => post(conversationId));
    if (!ok) void chat.loadMessages(conversationId); // refused: show the branch as it was
    return ok;
  };
  const controls: TurnControls = {
    enabled: !turns.busy && !chat.state.conversations.find((c) => c.id === activeId)?.shared,
    regenerate: (turnId, model) => {
      const question = chat.state.messages.find((m) => m.role === 'user' && m.turn_id === turnId);
      if (question) void branchFrom(turnId, question.content, (cid) => api.regenerate(cid, turnId, model));
    },
    edit: (turnId, content) => branchFrom(turnId, content.trim(), (cid) => api.editTurn(cid, turnId, content)),
    showBranch: (turnId) => {
      const conversationId = chat.activeId();
      if (!conversationId) return;
      api.showBranch(conversationId, turnId).then(() => chat.loadMessages(conversationId), banners.pushError);
    },
    rate: async (messageId, rating, comment) => {
      try {
        return await api.rateMessage(messageId, rating, comment);
      } catch (e) {
        banners.pushError(e);
        return null;
      }
    },
  };

  const applyAgent = (agent: AgentType) => {
    setSettings((s) => ({ ...s, agent }));
    banners.push('info', t('chat.agentSet', { agent: AGENT_LABELS[agent] }));
    setFocusNonce((n) => n + 1);
  };

  const activeConv = chat.state.conversations.find((c) => c.id === activeId);
  const panels = showFiles || !!workspace.active;
  useSheetEscape(panels, () => (showFiles ? setShowFiles(false) : workspace.open(null)));

  // /admin shows the console to admins only; anyone else at /admin gets the chat (and the
  // server answers 403 to every admin route whatever the page shows).
  if (adminPath && me?.is_admin) {
    return (
      <div className="admin-layout">
        <Banners items={banners.items} onDismiss={banners.dismiss} />
        <Suspense fallback={<p className="muted" role="status">{t('app.loading')}</p>}>
          <AdminConsole
            api={api}
            onExit={() => setAdminPath(false)}
            pushError={banners.pushError}
            notify={(m) => banners.push('info', m)}
          />
        </Suspense>
      </div>
    );
  }

  return (
    <div
      className={['layout', sidebarOpen && 'sidebar-open', panels && 'with-panels', panels && wideCanvas && workspace.active && 'canvas-wide']
        .filter(Boolean)
        .join(' ')}
    >
      <Sidebar
        conversations={chat.state.conversations}
        activeId={activeId}
        loading={chat.state.convLoading}
        me={me}
        streamingIds={turns.streamingIds}
        onSelect={selectConversation}
        onNew={newChat}
        onDelete={(id) => void deleteConversation(id)}
        onLogout={() => void auth.signOut()}
        hasMore={chat.state.nextCursor !== null}
        onLoadMore={chat.loadMore}
        search={search}
        actions={conversationActions}
      >
        <WorkspaceList
          workspaces={workspace.workspaces}
          activeId={workspace.active?.id ?? null}
          loading={workspace.loading}
          onOpen={(id) => {
            setSidebarOpen(false); // on a phone the drawer gives way to the workspace's sheet
            workspace.open(id);
          }}
          onCreate={async (title) => {
            await workspace.create(title);
            setSidebarOpen(false);
          }}
        />
      </Sidebar>
      <div className="scrim" onClick={() => setSidebarOpen(false)} aria-hidden="true" />
      <main className="main">
        <header className="topbar">
          <button
            type="button"
            className="btn ghost menu-btn"
            aria-label={t('chat.openList')}
            onClick={() => setSidebarOpen((o) => !o)}
          >
            <Icon name="menu" size={20} />
          </button>
          <h1 className="topbar-title">{activeConv?.title || (activeId ? t('chat.conversation') : t('chat.newChat'))}</h1>
          <button
            type="button"
            className={showFiles ? 'btn small on' : 'btn small'}
            aria-pressed={showFiles}
            onClick={() => setShowFiles((v) => !v)}
          >
            <Icon name="file" size={14} /> {t('chat.myFiles')}
          </button>
          {me?.is_admin && (
            <a
              className="btn small admin-link"
              href="/admin"
              onClick={(e) => {
                e.preventDefault();
                setAdminPath(true);
              }}
            >
              {t('admin.open')}
            </a>
          )}
          <button
            type="button"
            className="btn small settings-btn"
            aria-label={t('settings.open')}
            title={t('settings.open')}
            onClick={() => setShowSettings(true)}
          >
            <Icon name="gear" size={14} />
          </button>
          <ConnectionBadge status={conn.status} />
        </header>
        {auth.state.status === 'ended' && <SessionEndedBanner onSignIn={auth.signIn} />}
        <Banners items={banners.items} onDismiss={banners.dismiss} />
        <FileOpenerContext.Provider value={openFile}>
        <ChatPane
          messages={chat.state.messages}
          loading={chat.state.msgLoading}
          pending={turns.view}
          models={models?.models}
          onUseAgent={applyAgent}
          userName={me?.name}
          isAdmin={me?.is_admin ?? false}
          controls={controls}
        />
        </FileOpenerContext.Provider>
        <div className="composer-wrap">
          {activeConv?.shared && (
            <p className="read-only-note" role="note">
              {t(activeConv.workspace_title ? 'conv.readOnly' : 'convs.readOnlyShared', {
                owner: activeConv.owner_name ?? activeConv.owner_empno ?? '',
              })}
            </p>
          )}
          <Composer
            settings={settings}
            onSettings={setSettings}
            models={models}
            onSend={send}
            busy={turns.busy}
            onStop={() => {
              if (activeId) void turns.stop(activeId);
            }}
            focusNonce={focusNonce}
            attachments={files.attachments.map((id) => ({
              id,
              name: files.items.find((f) => f.file.id === id)?.file.name ?? id,
            }))}
            onDetach={files.toggleAttach}
            onUpload={(f) => {
              setShowFiles(true);
              void files.upload(f);
            }}
            agentAccess={agents}
            templates={templates.items}
            onManageTemplates={() => setShowTemplates(true)}
          />
          <p className="disclaimer muted">{t('chat.disclaimer')}</p>
        </div>
      </main>
      {showSettings && (
        <SettingsPanel
          api={api}
          me={me}
          models={models}
          agents={agents}
          theme={theme}
          onTheme={setTheme}
          onClose={() => setShowSettings(false)}
          onSaved={() => void refreshAgents()}
          pushError={banners.pushError}
        />
      )}
      {showTemplates && <TemplatesDialog templates={templates} onClose={() => setShowTemplates(false)} />}
      {sharingId && chat.state.conversations.find((c) => c.id === sharingId) && (
        <ShareDialog
          api={api}
          conversation={chat.state.conversations.find((c) => c.id === sharingId)!}
          me={me}
          workspaces={workspace.workspaces}
          onClose={() => setSharingId(null)}
          notify={(m) => banners.push('info', m)}
          pushError={banners.pushError}
        />
      )}
      {panels && (
        <div className="side-panels">
          {workspace.active && (
            <WorkspacePanel
              key={workspace.active.id}
              api={api}
              workspace={workspace.active}
              presence={workspace.presence}
              artifacts={workspace.artifacts}
              lastUpdate={workspace.lastUpdate}
              onCreateArtifact={workspace.createArtifact}
              onClose={() => workspace.open(null)}
              pushError={banners.pushError}
              onWorkspaceChanged={workspace.updated}
              notify={(m) => banners.push('info', m)}
              wide={wideCanvas}
              onToggleWide={() => setWideCanvas((w) => !w)}
            />
          )}
          {showFiles && (
            <FilesPanel
              items={files.items}
              attachments={files.attachments}
              onUpload={(f) => void files.upload(f)}
              onToggleAttach={files.toggleAttach}
              onDelete={(id) => void files.remove(id)}
              onClose={() => setShowFiles(false)}
            />
          )}
        </div>
      )}
    </div>
  );
}
