import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { browserAuthEnv } from './hooks/useAuth';
import type { Message } from './types';
import { FakeSocket, routedFetch, type Route } from './test/fakes';
import { FakeAuthClient, fakeUser } from './test/fakes';

const AUTH = { authority: 'http://test/oidc', clientId: 'portal-web', scope: 'openid profile email' };
let authClient = new FakeAuthClient();
/** The browser holds a signed-in user with this ID token (as after the OIDC callback). */
const signedInAs = (idToken: string) => {
  authClient = new FakeAuthClient(fakeUser(idToken));
};

// ---- tiny DOM helpers (no testing-library dependency) ----

let container: HTMLDivElement;
let root: Root;

async function waitFor<T>(fn: () => T | null | undefined | false, timeout = 3000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const r = fn();
      if (r !== null && r !== undefined && r !== false) return r as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeout) throw last ?? new Error('waitFor timed out');
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

const $ = <E extends Element = HTMLElement>(sel: string) => container.querySelector<E>(sel);
const $$ = (sel: string) => [...container.querySelectorAll<HTMLElement>(sel)];
const byText = (sel: string, text: string) => $$(sel).find((el) => el.textContent?.includes(text));

async function typeInto(el: HTMLTextAreaElement | HTMLInputElement, value: string) {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function selectValue(el: HTMLSelectElement, value: string) {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function click(el: Element) {
  await act(async () => {
    (el as HTMLElement).click();
  });
}

async function pressEnter(el: Element, init: KeyboardEventInit = {}) {
  await act(async () => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }));
  });
}

async function serverSends(ws: FakeSocket, ev: unknown) {
  await act(async () => {
    ws.emit(ev);
  });
}

// ---- fixtures ----

const ME = { empno: 'E1001', name: '홍길동', company_code: 'ACME', roles: ['user'], is_admin: false };
const MODELS = {
  models: [
    { key: 'claude-sonnet', provider: 'bedrock', display_name: 'Claude Sonnet', context_window: 200000, modalities: ['text', 'image'], input_price_per_mtok: 3, output_price_per_mtok: 15 },
    { key: 'nova-lite', provider: 'bedrock', display_name: 'Nova Lite', context_window: 300000, modalities: ['text'], input_price_per_mtok: 0.06, output_price_per_mtok: 0.24 },
  ],
  default: 'claude-sonnet',
};
const CONV = { id: 'c1', title: '세금 문의', workspace_id: null, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' };

function storedAnswer(): Message[] {
  return [
    { id: 'm1', role: 'user', content: '연말정산 공제 항목 알려줘', created_at: '2025-01-01T00:00:01Z' },
    {
      id: 'm2',
      role: 'assistant',
      content: '## 답변\n안녕하세요 <b>x</b> 입니다.',
      agent_type: 'general',
      model_used: 'claude-sonnet',
      tokens_used: 1234,
      cost_usd: 0.0123,
      created_at: '2025-01-01T00:00:05Z',
      metadata: {
        route: { agent: 'general', confidence: 0.82, reason: '일반적인 질문', decided_by: 'classifier', runners_up: [] },
        suggestion: { agent: 'tax', reason: '세무 전문 에이전트가 더 정확합니다.' },
      },
    },
  ];
}

function backend(overrides: Route[] = []) {
  let messages: Message[] = [];
  const routes: Route[] = [
    ...overrides,
    { method: 'GET', match: './config.json', respond: () => ({ status: 200, body: { apiBase: '/api', wsUrl: 'ws://test/ws', local: true, auth: AUTH } }) },
    { method: 'GET', match: '/api/me', respond: () => ({ status: 200, body: ME }) },
    { method: 'GET', match: '/api/models', respond: () => ({ status: 200, body: MODELS }) },
    { method: 'GET', match: '/api/conversations', respond: () => ({ status: 200, body: { items: [CONV] } }) },
    { method: 'GET', match: '/api/files', respond: () => ({ status: 200, body: { items: [] } }) },
    { method: 'GET', match: '/api/workspaces', respond: () => ({ status: 200, body: { items: [] } }) },
    { method: 'GET', match: '/api/conversations/c1/messages', respond: () => ({ status: 200, body: { items: messages } }) },
    {
      method: 'POST',
      match: '/api/conversations/c1/messages',
      respond: () => ({ status: 202, body: { turn_id: 'turn-1', message_id: 'm1', conversation_id: 'c1', status: 'started' } }),
    },
  ];
  const f = routedFetch(routes);
  return { ...f, setMessages: (m: Message[]) => (messages = m) };
}

const SOCKET_OPTIONS = { pingIntervalMs: 0, backoff: { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 } };
const TIMING = { reconcileAfterReconnectMs: 30, pollWithoutSocketMs: 30 };

function renderApp(fetchImpl: ReturnType<typeof routedFetch>['fetchImpl']) {
  act(() => {
    root.render(
      <App
        fetchImpl={fetchImpl}
        createSocket={(url) => new FakeSocket(url)}
        createAuthClient={() => authClient}
        socketOptions={SOCKET_OPTIONS}
        timing={TIMING}
      />,
    );
  });
}

beforeEach(() => {
  FakeSocket.reset();
  // The open conversation lives in the address: every test starts at the site root.
  window.history.replaceState(null, '', '/');
  window.sessionStorage.clear();
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

describe('App chat flow', () => {
  it('streams a turn chunk by chunk, survives a reconnect, then shows the stored answer with meta', async () => {
    signedInAs('tok-123');
    const be = backend();
    renderApp(be.fetchImpl);

    // Sidebar, user and socket.
    await waitFor(() => byText('.conv-title', '세금 문의'));
    await waitFor(() => byText('.me-name', '홍길동'));
    const ws = FakeSocket.latest();
    expect(ws.url).toBe('ws://test/ws?token=tok-123');
    await act(async () => ws.open());
    expect($('.conn')?.dataset.status).toBe('open');
    expect(be.calls.find((c) => c.url === '/api/me')?.headers.Authorization).toBe('Bearer tok-123');

    // Open the conversation.
    await click(byText('.conv-open', '세금 문의')!);
    await waitFor(() => be.calls.some((c) => c.url === '/api/conversations/c1/messages'));

    // Pick a toggle and an agent, then send with Enter.
    await click(byText('.toggle', '웹 검색')!);
    expect(byText('.toggle', '웹 검색')!.getAttribute('aria-pressed')).toBe('true');
    await click(byText('.toggle', '심층 리서치')!); // single select: switches
    expect(byText('.toggle', '웹 검색')!.getAttribute('aria-pressed')).toBe('false');
    await click(byText('.toggle', '심층 리서치')!); // click again clears
    expect($$('.toggle[aria-pressed="true"]')).toHaveLength(0);
    await click(byText('.toggle', '웹 검색')!);
    await selectValue($<HTMLSelectElement>('.agent-select select')!, 'tax');

    const ta = $<HTMLTextAreaElement>('textarea')!;
    await typeInto(ta, '연말정산 공제 항목 알려줘');
    await pressEnter(ta, { shiftKey: true }); // Shift+Enter does not send
    expect(be.calls.some((c) => c.method === 'POST')).toBe(false);
    await pressEnter(ta, { isComposing: true } as KeyboardEventInit); // IME composition does not send
    expect(be.calls.some((c) => c.method === 'POST')).toBe(false);
    await pressEnter(ta);

    const post = await waitFor(() => be.calls.find((c) => c.method === 'POST'));
    expect(post.body).toEqual({ content: '연말정산 공제 항목 알려줘', agent: 'tax', toggle: 'web_search' });
    expect(ta.value).toBe('');
    // Optimistic user message + waiting assistant bubble.
    await waitFor(() => byText('.msg-user', '연말정산 공제 항목 알려줘'));
    await waitFor(() => $('.msg-assistant.streaming .typing'));

    // Chunks grow the streaming message; the duplicate is ignored; HTML stays text.
    await serverSends(ws, { type: 'chunk', turn_id: 'turn-1', seq: 1, text: '## 답변\n안녕' });
    expect($('.streaming .md')?.textContent).toBe('답변안녕');
    await serverSends(ws, { type: 'chunk', turn_id: 'turn-1', seq: 2, text: '하세요 <b>x</b>' });
    await serverSends(ws, { type: 'chunk', turn_id: 'turn-1', seq: 2, text: '하세요 <b>x</b>' });
    expect($('.streaming .md')?.textContent).toBe('답변안녕하세요 <b>x</b>');
    expect($('.streaming b')).toBeNull();
    // While the answer streams, the send button gives way to 중지 (stop).
    expect($('button.send')).toBeNull();
    expect($<HTMLButtonElement>('button.stop')!.textContent).toContain('중지');

    // Connection drops: status shows, reconnect resumes the turn after seq 2.
    await act(async () => ws.drop());
    expect($('.conn')?.dataset.status).toBe('reconnecting');
    const ws2 = await waitFor(() => FakeSocket.instances.length === 2 && FakeSocket.latest());
    await act(async () => ws2.open());
    expect(ws2.actions('resume')).toEqual([{ action: 'resume', turn_id: 'turn-1', after_seq: 2 }]);
    await serverSends(ws2, { type: 'chunk', turn_id: 'turn-1', seq: 2, text: '하세요 <b>x</b>' });
    await serverSends(ws2, { type: 'chunk', turn_id: 'turn-1', seq: 3, text: ' 입니다.' });
    expect($('.streaming .md')?.textContent).toBe('답변안녕하세요 <b>x</b> 입니다.');

    // done -> reload stored messages with metadata.
    be.setMessages(storedAnswer());
    await serverSends(ws2, { type: 'done', turn_id: 'turn-1', message_id: 'm2', agent: 'general', model: 'claude-sonnet' });
    await waitFor(() => $('.streaming') === null);
    const meta = await waitFor(() => $('[data-testid="meta"]'));
    expect(meta.textContent).toContain('일반 · ');
    expect(meta.textContent).not.toContain('(general)');
    expect(meta.textContent).toContain('Claude Sonnet');
    expect(meta.textContent).toContain('1,234토큰');
    expect(meta.textContent).toContain('$0.0123');
    expect(meta.textContent).toContain('질문에 담긴 단어를 보고 일반 에이전트를 골랐습니다. (확신도 82%)');
    // The router's own (English or technical) reason is for administrators only.
    expect(meta.textContent).not.toContain('일반적인 질문');
    expect($$('.msg-user')).toHaveLength(1); // optimistic copy replaced by the stored one
    expect($('.suggestion')?.textContent).toContain('세무');
    expect($<HTMLButtonElement>('button.send')!.disabled).toBe(true); // empty textarea

    // Suggestion button switches the agent selector.
    await selectValue($<HTMLSelectElement>('.agent-select select')!, '');
    await click($('.suggestion button')!);
    expect($<HTMLSelectElement>('.agent-select select')!.value).toBe('tax');
  });

  it('shows API errors in a banner and keeps the typed text', async () => {
    signedInAs('tok');
    const be = backend([
      {
        method: 'POST',
        match: '/api/conversations/c1/messages',
        respond: () => ({ status: 429, body: { error: { code: 'rate_limited', message: '요청 한도를 초과했습니다.', correlation_id: 'req-9' } } }),
      },
    ]);
    renderApp(be.fetchImpl);
    await click(await waitFor(() => byText('.conv-open', '세금 문의')));
    const ta = $<HTMLTextAreaElement>('textarea')!;
    await typeInto(ta, '질문');
    await pressEnter(ta);
    const banner = await waitFor(() => $('.banner-error'));
    expect(banner.textContent).toContain('요청 한도를 초과했습니다.');
    expect(banner.textContent).toContain('req-9');
    expect(ta.value).toBe('질문');
    expect($('.streaming')).toBeNull();
  });

  it('hides the model dropdown when /api/models 404s and shows it otherwise (opening upward)', async () => {
    signedInAs('tok');
    const be = backend([
      { method: 'GET', match: '/api/models', respond: () => ({ status: 404, body: { error: { code: 'not_found', message: 'no' } } }) },
    ]);
    renderApp(be.fetchImpl);
    await waitFor(() => byText('.conv-title', '세금 문의'));
    await waitFor(() => be.calls.some((c) => c.url === '/api/models'));
    expect($('.model-picker')).toBeNull();
    expect($('.banner-error')).toBeNull(); // a 404 here is expected, not an error

    act(() => root.unmount());
    root = createRoot(container);
    const be2 = backend();
    renderApp(be2.fetchImpl);
    const button = await waitFor(() => $('.model-button'));
    expect(button.textContent).toContain('Claude Sonnet');
    await click(button);
    expect($$('.model-menu [role="option"]')).toHaveLength(2);
    await click(byText('.model-menu [role="option"]', 'Nova Lite')!);
    expect($('.model-menu')).toBeNull();
    expect($('.model-button')!.textContent).toContain('Nova Lite');
  });

  it('creates a conversation on first send from a new chat, and handles a turn error', async () => {
    signedInAs('tok');
    const be = backend([
      { method: 'POST', match: '/api/conversations', respond: (body) => ({ status: 201, body: { ...CONV, id: 'c2', title: (body as { title: string }).title } }) },
      { method: 'GET', match: '/api/conversations/c2/messages', respond: () => ({ status: 200, body: { items: [{ id: 'u', role: 'user', content: '새 질문', created_at: '2025-01-01T00:00:00Z' }] } }) },
      { method: 'POST', match: '/api/conversations/c2/messages', respond: () => ({ status: 202, body: { turn_id: 'turn-2', message_id: 'u', conversation_id: 'c2', status: 'started' } }) },
    ]);
    renderApp(be.fetchImpl);
    await waitFor(() => byText('.conv-title', '세금 문의'));
    await act(async () => FakeSocket.latest().open());
    const ta = $<HTMLTextAreaElement>('textarea')!;
    await typeInto(ta, '새 질문');
    await pressEnter(ta);
    await waitFor(() => be.calls.find((c) => c.method === 'POST' && c.url === '/api/conversations/c2/messages'));
    expect(be.calls.find((c) => c.method === 'POST' && c.url === '/api/conversations')?.body).toEqual({ title: '새 질문' });
    await waitFor(() => byText('.conv-title', '새 질문'));

    await serverSends(FakeSocket.latest(), { type: 'chunk', turn_id: 'turn-2', seq: 1, text: '부분 응답' });
    await serverSends(FakeSocket.latest(), { type: 'error', turn_id: 'turn-2', code: 'provider_error', message: '모델 호출 실패' });
    await waitFor(() => $('.stream-error'));
    expect($('.stream-error')!.textContent).toContain('모델 호출 실패');
    expect($('.banner-error')!.textContent).toContain('모델 호출 실패');
    await waitFor(() => $$('.msg-user').length === 1); // stored user message, no duplicate
    // Sending is possible again after an error.
    await typeInto(ta, '다시');
    expect($<HTMLButtonElement>('button.send')!.disabled).toBe(false);
  });
});

describe('App workspace conversations', () => {
  it("lists a member's workspace conversation live, opens it read-only and drops it on removal", async () => {
    signedInAs('tok');
    const shared = {
      ...CONV,
      id: 'c9',
      title: '예산 검토',
      workspace_id: 'w1',
      workspace_title: '분기 계획',
      owner_empno: 'E2002',
      owner_name: '김철수',
      shared: true,
    };
    let listed = [CONV];
    const be = backend([
      { method: 'GET', match: '/api/conversations/c9/messages', respond: () => ({ status: 200, body: { items: storedAnswer() } }) },
      { method: 'GET', match: '/api/conversations', respond: () => ({ status: 200, body: { items: listed } }) },
    ]);
    renderApp(be.fetchImpl);
    await waitFor(() => byText('.conv-title', '세금 문의'));
    await act(async () => FakeSocket.latest().open());

    await serverSends(FakeSocket.latest(), { type: 'conversation.created', workspace_id: 'w1', conversation: shared });
    const item = await waitFor(() => byText('.conv', '예산 검토'));
    expect(item.querySelector('.conv-shared')!.textContent).toBe('분기 계획 · 김철수님');
    expect(item.querySelector('.conv-del')).toBeNull(); // not theirs to delete
    expect($('.banner')!.textContent).toContain('김철수님이 분기 계획에 새 대화를 시작했습니다');

    await click(item.querySelector('.conv-open')!);
    await waitFor(() => byText('.msg-user', '연말정산 공제 항목 알려줘'));
    expect($('.read-only-note')!.textContent).toContain('김철수님의 대화입니다');
    const ta = $<HTMLTextAreaElement>('textarea')!;
    await typeInto(ta, '저도 질문할게요');
    await pressEnter(ta);
    expect(be.calls.some((c) => c.method === 'POST' && c.url.includes('/messages'))).toBe(false);

    listed = [CONV];
    await serverSends(FakeSocket.latest(), { type: 'workspace.membership', workspace_id: 'w1', role: null, by: { empno: 'E2002' } });
    await waitFor(() => !byText('.conv', '예산 검토'));
    expect($('.read-only-note')).toBeNull();
  });
});

describe('App turn fallbacks', () => {
  it('finishes a turn over REST when its done event was lost during a disconnect', async () => {
    signedInAs('tok');
    const be = backend();
    renderApp(be.fetchImpl);
    await click(await waitFor(() => byText('.conv-open', '세금 문의')));
    await act(async () => FakeSocket.latest().open());
    const ta = $<HTMLTextAreaElement>('textarea')!;
    await typeInto(ta, '연말정산 공제 항목 알려줘');
    await pressEnter(ta);
    await waitFor(() => be.calls.find((c) => c.method === 'POST'));
    await serverSends(FakeSocket.latest(), { type: 'chunk', turn_id: 'turn-1', seq: 1, text: '안녕' });
    await act(async () => FakeSocket.latest().drop());
    // Meanwhile the turn finished and was stored; the new socket replays nothing.
    be.setMessages(storedAnswer());
    const ws2 = await waitFor(() => FakeSocket.instances.length === 2 && FakeSocket.latest());
    await act(async () => ws2.open());
    expect(ws2.actions('resume')).toEqual([{ action: 'resume', turn_id: 'turn-1', after_seq: 1 }]);
    // An older server refuses `resume`: that is not shown to the user.
    await serverSends(ws2, { type: 'error', code: 'unknown_action', message: "Unknown action 'resume'" });
    await waitFor(() => $('.streaming') === null);
    expect($('[data-testid="meta"]')?.textContent).toContain('일반 에이전트를 골랐습니다');
    expect($<HTMLButtonElement>('button.send')!.textContent).toContain('전송');
    expect($('.banner-error')).toBeNull();
  });

  it('polls for the reply when there is no WebSocket (empty wsUrl)', async () => {
    signedInAs('tok');
    let posted = false;
    const be = backend([
      { method: 'GET', match: './config.json', respond: () => ({ status: 200, body: { apiBase: '/api', wsUrl: '', local: true, auth: AUTH } }) },
      {
        method: 'POST',
        match: '/api/conversations/c1/messages',
        respond: () => {
          posted = true;
          return { status: 202, body: { turn_id: 't', message_id: 'm1', conversation_id: 'c1', status: 'started' } };
        },
      },
    ]);
    renderApp(be.fetchImpl);
    await click(await waitFor(() => byText('.conv-open', '세금 문의')));
    expect($('.conn')?.dataset.status).toBe('disabled');
    expect(FakeSocket.instances).toHaveLength(0);
    const ta = $<HTMLTextAreaElement>('textarea')!;
    await typeInto(ta, '연말정산 공제 항목 알려줘');
    await pressEnter(ta);
    await waitFor(() => posted);
    await waitFor(() => $('.streaming'));
    be.setMessages(storedAnswer());
    await waitFor(() => $('.streaming') === null);
    expect($$('.msg-assistant')).toHaveLength(1);
  });
});

describe('App sign-in (OIDC)', () => {
  const nowS = () => Date.now() / 1000;

  it('without a session goes to the identity provider, remembering the page the user was on', async () => {
    authClient = new FakeAuthClient(null);
    window.history.replaceState(null, '', '/chat?c=c1#bottom');
    const be = backend();
    renderApp(be.fetchImpl);
    await waitFor(() => authClient.redirects.length === 1);
    expect(authClient.redirects[0]).toEqual({ state: { returnTo: '/chat?c=c1#bottom' } });
    expect($('[role="status"]')?.textContent).toBe('로그인 페이지로 이동하는 중…');
    expect(be.calls.some((c) => c.url.startsWith('/api/'))).toBe(false);
    window.history.replaceState(null, '', '/');
  });

  it('back from the identity provider: redeems the code, returns to the stored page, uses the ID token', async () => {
    authClient = new FakeAuthClient(null);
    authClient.callbackUser = fakeUser('id-tok', { state: { returnTo: '/chat?c=c1#bottom' } });
    window.history.replaceState(null, '', '/?code=abc&state=xyz');
    const be = backend();
    renderApp(be.fetchImpl);
    await waitFor(() => $('.sidebar'));
    expect(authClient.calls).toContain('signinRedirectCallback http://localhost:3000/?code=abc&state=xyz');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/chat?c=c1#bottom');
    await waitFor(() => be.calls.find((c) => c.url === '/api/me'));
    expect(be.calls.find((c) => c.url === '/api/me')?.headers.Authorization).toBe('Bearer id-tok');
    await waitFor(() => FakeSocket.instances.length > 0);
    expect(FakeSocket.latest().url).toBe('ws://test/ws?token=id-tok');
    window.history.replaceState(null, '', '/');
  });

  it('a return path that leaves the site is not followed', async () => {
    authClient = new FakeAuthClient(null);
    authClient.callbackUser = fakeUser('id-tok', { state: { returnTo: '//evil.example/x' } });
    window.history.replaceState(null, '', '/?code=abc&state=xyz');
    renderApp(backend().fetchImpl);
    await waitFor(() => $('.sidebar'));
    expect(window.location.href).toBe('http://localhost:3000/');
  });

  it('a refused sign-in shows the reason and a way to try again', async () => {
    authClient = new FakeAuthClient(null);
    authClient.callbackUser = new Error('access_denied');
    window.history.replaceState(null, '', '/?error=access_denied&state=xyz');
    renderApp(backend().fetchImpl);
    await waitFor(() => byText('.card p', '로그인을 완료하지 못했습니다.'));
    expect(window.location.search).toBe('');
    await click(byText('.card button', '다시 로그인')!);
    expect(authClient.redirects).toEqual([{ state: { returnTo: '/' } }]);
  });

  it('renews the ID token before expiry: the open socket is re-authenticated and the API uses the new token', async () => {
    // A 20 s token issued 14.7 s ago: renewal is due in ~0.3 s (5 s before expiry).
    authClient = new FakeAuthClient(fakeUser('tok-A', { nowS: nowS() - 14.7, ttlS: 20 }));
    authClient.renewals.push(fakeUser('tok-B', { ttlS: 20 }));
    const be = backend();
    renderApp(be.fetchImpl);
    await waitFor(() => FakeSocket.instances.length > 0);
    const ws = FakeSocket.latest();
    expect(ws.url).toBe('ws://test/ws?token=tok-A');
    await act(async () => ws.open());

    // Generous waits: on a loaded CI machine (the suite runs beside pytest's workers) rendering
    // alone has taken seconds; the renewal itself is due ~0.3 s in.
    await waitFor(() => ws.actions('auth').length > 0, 8000);
    expect(ws.actions('auth')).toEqual([{ action: 'auth', token: 'tok-B' }]);
    expect(FakeSocket.instances).toHaveLength(1); // same connection, no reconnect
    await serverSends(ws, { type: 'auth_ok', exp: Math.floor(nowS()) + 20 });

    await click(byText('.conv-open', '세금 문의')!);
    const req = await waitFor(() => be.calls.find((c) => c.url === '/api/conversations/c1/messages'));
    expect(req.headers.Authorization).toBe('Bearer tok-B');
    expect($('[data-testid="session-ended"]')).toBeNull();
  }, 20_000);

  it('when renewal is refused, says the session ended in Korean and signs in again to the same page', async () => {
    authClient = new FakeAuthClient(fakeUser('tok-A', { nowS: nowS() - 16, ttlS: 20 }));
    authClient.renewals.push(Object.assign(new Error('invalid_grant'), { error: 'invalid_grant' }));
    window.history.replaceState(null, '', '/?c=c1');
    renderApp(backend().fetchImpl);
    const banner = await waitFor(() => $('[data-testid="session-ended"]'));
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('세션이 만료되었습니다. 다시 로그인해 주세요.');
    await click(byText('[data-testid="session-ended"] button', '다시 로그인')!);
    // Back to the conversation that was open.
    expect(authClient.redirects).toEqual([{ state: { returnTo: '/?c=c1' } }]);
  });

  it('a 401 that a renewed token does not cure ends the session with the banner', async () => {
    signedInAs('revoked');
    const be = backend([
      { method: 'GET', match: '/api/me', respond: () => ({ status: 401, body: { detail: 'expired' } }) },
    ]);
    renderApp(be.fetchImpl);
    await waitFor(() => $('[data-testid="session-ended"]'));
    expect(authClient.calls).toContain('signinSilent');
    expect($('.banner-error:not(.session-ended)')).toBeNull();
  });

  it('signs out at the identity provider (end_session_endpoint), coming back to the site root', async () => {
    signedInAs('tok');
    renderApp(backend().fetchImpl);
    await waitFor(() => $('.sidebar'));
    await click(byText('.sidebar button', '로그아웃')!);
    await waitFor(() => authClient.signouts.length === 1);
    expect(authClient.signouts[0]).toEqual({ post_logout_redirect_uri: 'http://localhost:3000/' });
    expect(FakeSocket.latest().closed).toBe(true);
  });

  it('back from the end_session_endpoint: clears the sign-out state and goes to sign in at the site root', async () => {
    authClient = new FakeAuthClient(null);
    window.history.replaceState(null, '', '/?state=signout-1');
    renderApp(backend().fetchImpl);
    await waitFor(() => authClient.redirects.length === 1);
    expect(authClient.calls[0]).toBe('signoutRedirectCallback http://localhost:3000/?state=signout-1');
    expect(authClient.redirects[0]).toEqual({ state: { returnTo: '/' } });
    expect(window.location.search).toBe('');
  });

  it('signs out at Cognito through auth.logoutUrl (it has no end_session_endpoint)', async () => {
    signedInAs('tok');
    const navigated: string[] = [];
    const cfg: Route = {
      method: 'GET',
      match: './config.json',
      respond: () => ({ status: 200, body: { apiBase: '/api', wsUrl: 'ws://test/ws', auth: { ...AUTH, logoutUrl: 'https://portal.auth.example.com/logout' } } }),
    };
    act(() => {
      root.render(
        <App
          fetchImpl={backend([cfg]).fetchImpl}
          createSocket={(url) => new FakeSocket(url)}
          createAuthClient={() => authClient}
          authEnv={{ ...browserAuthEnv(), navigate: (u) => navigated.push(u) }}
          socketOptions={SOCKET_OPTIONS}
        />,
      );
    });
    await waitFor(() => $('.sidebar'));
    await click(byText('.sidebar button', '로그아웃')!);
    await waitFor(() => navigated.length === 1);
    expect(navigated[0]).toBe(
      'https://portal.auth.example.com/logout?client_id=portal-web&logout_uri=http%3A%2F%2Flocalhost%3A3000%2F',
    );
    expect(authClient.calls).toContain('removeUser');
    expect(authClient.calls).not.toContain('signoutRedirect');
  });

  it('without an auth block in config.json says sign-in is not configured', async () => {
    const cfg: Route = { method: 'GET', match: './config.json', respond: () => ({ status: 200, body: { apiBase: '/api', wsUrl: '' } }) };
    renderApp(backend([cfg]).fetchImpl);
    await waitFor(() => byText('.card p', '로그인 설정(auth)이 없습니다'));
  });
});

describe('App address', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('reopens the conversation named in the address and keeps the address on the open one', async () => {
    signedInAs('tok');
    window.history.replaceState(null, '', '/?c=c1#top');
    const be = backend();
    renderApp(be.fetchImpl);
    await waitFor(() => be.calls.some((c) => c.url === '/api/conversations/c1/messages'));
    await waitFor(() => byText('.topbar-title', '세금 문의'));
    expect(window.location.search).toBe('?c=c1');
    await click(byText('button', '새 대화')!);
    expect(window.location.search).toBe('');
    expect(window.location.hash).toBe('#top');
  });
});
