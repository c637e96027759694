// The signed-in portal: composes the hooks (connection, chat, turns, files, workspace, and the
// portal's own data, layout and composer) and lays out their views. State and its rules live
// in the hooks and their reducers; this file only says what goes where.
import { useReducer } from 'react';
import type { FetchLike } from './api';
import { conversationActions } from './conversationActions';
import { CLOSED_LAYOUT, layoutClass, layoutReducer } from './state/layout';
import type { RuntimeConfig } from './types';
import type { PortalSocketOptions, SocketFactory } from './ws';
import { AdminScreen } from './components/admin/AdminScreen';
import { Banners } from './components/Banners';
import { ChatPane } from './components/ChatPane';
import { ComposerArea } from './components/ComposerArea';
import { FileOpenerContext, openInNewTab } from './components/FileLink';
import { PortalDialogs } from './components/PortalDialogs';
import { SessionEndedBanner } from './components/SessionEndedBanner';
import { SidePanels } from './components/SidePanels';
import { Sidebar } from './components/Sidebar';
import { TopBar } from './components/TopBar';
import { WorkspaceList } from './components/WorkspaceList';
import { useAdminPath } from './hooks/useAdminPath';
import type { Auth } from './hooks/useAuth';
import { useBanners } from './hooks/useBanners';
import { useBudget } from './hooks/useBudget';
import { useChat } from './hooks/useChat';
import { useComposer } from './hooks/useComposer';
import { useConnection } from './hooks/useConnection';
import { useConversationSearch } from './hooks/useConversationSearch';
import { useFiles } from './hooks/useFiles';
import { useNavigation } from './hooks/useNavigation';
import { usePortalData } from './hooks/usePortalData';
import { turnNotices, useSocketRouting } from './hooks/useSocketRouting';
import { useTemplates } from './hooks/useTemplates';
import { useTheme } from './hooks/useTheme';
import { useTurns, type Timing } from './hooks/useTurns';
import { useWorkspace } from './hooks/useWorkspace';

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
  const notify = (m: string) => banners.push('info', m);
  const workspace = useWorkspace(api, socket, banners.pushError, notify);
  const files = useFiles(api, banners.pushError, workspace.active?.id ?? null);
  const chat = useChat(api, banners.pushError);
  const budget = useBudget(api, banners);
  const turns = useTurns(api, socket, chat, turnNotices(banners, budget, workspace), timing);
  const [adminPath, setAdminPath] = useAdminPath();
  const [theme, setTheme] = useTheme();
  const { me, models, agents, refreshAgents } = usePortalData(api, banners.report);
  useSocketRouting(conn, { banners, chat, turns, files, workspace, budget, refreshAgents });

  const [layout, dispatchLayout] = useReducer(layoutReducer, CLOSED_LAYOUT);
  const composer = useComposer({ api, banners, chat, turns, files, workspace, budget, agents });
  const search = useConversationSearch(api, banners.pushError);
  const templates = useTemplates(api, notify, banners.pushError);
  const nav = useNavigation({
    chat,
    turns,
    workspace,
    banners,
    closeSidebar: () => dispatchLayout({ type: 'sidebar_closed' }),
    focusComposer: composer.focus,
  });

  const activeId = chat.state.activeId;
  const activeConv = chat.state.conversations.find((c) => c.id === activeId);
  const openFile = (fileId: string, page: number | null) => openInNewTab(api.fileLink(fileId, page), banners.pushError);

  // /admin shows the console to admins only; anyone else at /admin gets the chat (and the
  // server answers 403 to every admin route whatever the page shows).
  if (adminPath && me?.is_admin) return <AdminScreen api={api} banners={banners} onExit={() => setAdminPath(false)} />;

  return (
    <div className={layoutClass(layout, !!workspace.active)}>
      <Sidebar
        conversations={chat.state.conversations}
        activeId={activeId}
        loading={chat.state.convLoading}
        me={me}
        streamingIds={turns.streamingIds}
        onSelect={nav.selectConversation}
        onNew={nav.newChat}
        onDelete={(id) => void nav.deleteConversation(id)}
        onLogout={() => void auth.signOut()}
        hasMore={chat.state.nextCursor !== null}
        onLoadMore={chat.loadMore}
        search={search}
        actions={conversationActions(api, chat, banners, (id) => dispatchLayout({ type: 'sharing_opened', id }))}
      >
        <WorkspaceList
          workspaces={workspace.workspaces}
          activeId={workspace.active?.id ?? null}
          loading={workspace.loading}
          onOpen={nav.openWorkspace}
          onCreate={nav.createWorkspace}
        />
      </Sidebar>
      <div className="scrim" onClick={() => dispatchLayout({ type: 'sidebar_closed' })} aria-hidden="true" />
      <main className="main">
        <TopBar
          conversation={activeConv}
          activeId={activeId}
          filesOpen={layout.showFiles}
          isAdmin={me?.is_admin ?? false}
          status={conn.status}
          onToggleSidebar={() => dispatchLayout({ type: 'sidebar_toggled' })}
          onToggleFiles={() => dispatchLayout({ type: 'files_toggled' })}
          onOpenAdmin={() => setAdminPath(true)}
          onOpenSettings={() => dispatchLayout({ type: 'settings_opened' })}
        />
        {auth.state.status === 'ended' && <SessionEndedBanner onSignIn={auth.signIn} />}
        <Banners items={banners.items} onDismiss={banners.dismiss} />
        <FileOpenerContext.Provider value={openFile}>
          <ChatPane
            messages={chat.state.messages}
            loading={chat.state.msgLoading}
            pending={turns.view}
            models={models?.models}
            onUseAgent={composer.applyAgent}
            userName={me?.name}
            isAdmin={me?.is_admin ?? false}
            controls={composer.controls}
          />
        </FileOpenerContext.Provider>
        <ComposerArea
          conversation={activeConv}
          settings={composer.settings}
          onSettings={composer.setSettings}
          models={models}
          onSend={composer.send}
          busy={turns.busy}
          onStop={() => {
            if (activeId) void turns.stop(activeId);
          }}
          focusNonce={composer.focusNonce}
          attachments={files.attachments.map((id) => ({
            id,
            name: files.items.find((f) => f.file.id === id)?.file.name ?? id,
          }))}
          onDetach={files.toggleAttach}
          onUpload={(f) => {
            dispatchLayout({ type: 'files_opened' }); // the panel shows the upload's progress
            void files.upload(f);
          }}
          agentAccess={agents}
          templates={templates.items}
          onManageTemplates={() => dispatchLayout({ type: 'templates_opened' })}
        />
      </main>
      <PortalDialogs
        layout={layout}
        dispatch={dispatchLayout}
        api={api}
        me={me}
        models={models}
        agents={agents}
        theme={theme}
        onTheme={setTheme}
        onSettingsSaved={() => void refreshAgents()}
        templates={templates}
        conversations={chat.state.conversations}
        workspaces={workspace.workspaces}
        pushError={banners.pushError}
        notify={notify}
      />
      <SidePanels
        api={api}
        workspace={workspace}
        files={files}
        showFiles={layout.showFiles}
        onCloseFiles={() => dispatchLayout({ type: 'files_closed' })}
        wideCanvas={layout.wideCanvas}
        onToggleWide={() => dispatchLayout({ type: 'canvas_width_toggled' })}
        pushError={banners.pushError}
        notify={notify}
      />
    </div>
  );
}
