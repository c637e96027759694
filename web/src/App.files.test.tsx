// App-level flows of files (upload, live status, attach, citations) and workspaces
// (join/presence/leave, live artifacts, stale_version conflict), over fake fetch/socket/XHR.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import type { Message } from './types';
import { FakeSocket, routedFetch, type Route } from './test/fakes';
import { FakeAuthClient, fakeUser } from './test/fakes';

const AUTH = { authority: 'http://test/oidc', clientId: 'portal-web', scope: 'openid profile email' };
let authClient = new FakeAuthClient();
/** The browser holds a signed-in user with this ID token (as after the OIDC callback). */
const signedInAs = (idToken: string) => {
  authClient = new FakeAuthClient(fakeUser(idToken));
};

let container: HTMLDivElement;
let root: Root;

async function waitFor<T>(fn: () => T | null | undefined | false, timeout = 3000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const r = fn();
    if (r !== null && r !== undefined && r !== false) return r as T;
    if (Date.now() - start > timeout) throw new Error('waitFor timed out');
    await act(async () => {
      await new Promise((res) => setTimeout(res, 10));
    });
  }
}
const $ = <E extends Element = HTMLElement>(sel: string) => container.querySelector<E>(sel);
const $$ = (sel: string) => [...container.querySelectorAll<HTMLElement>(sel)];
const byText = (sel: string, text: string) => $$(sel).find((el) => el.textContent?.includes(text));
async function click(el: Element) {
  await act(async () => (el as HTMLElement).click());
}
async function typeInto(el: HTMLTextAreaElement | HTMLInputElement, value: string) {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function serverSends(ws: FakeSocket, ev: unknown) {
  await act(async () => ws.emit(ev));
}

/** Records presigned POSTs instead of sending them. */
class FakeXHR {
  static sent: Array<{ method: string; url: string; form: FormData }> = [];
  status = 0;
  responseText = '';
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private method = '';
  private url = '';
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(form: FormData) {
    FakeXHR.sent.push({ method: this.method, url: this.url, form });
    setTimeout(() => {
      this.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
      this.status = 204;
      this.onload?.();
    }, 0);
  }
}

const ME = { empno: 'E1001', name: '홍길동', company_code: 'ACME', roles: [], is_admin: false };
const FILE = {
  id: 'f1', name: '규정.md', size: 12, type: 'text/markdown', mime_type: 'text/markdown', workspace_id: null,
  owner: 'E1001', status: 'pending', progress: 0, reason: null, pages: null, chunks: null,
  created_at: '2026-01-01T00:00:00Z', processed_at: null,
};
const WS = {
  id: 'w1', title: '기획팀', description: null, owner_empno: 'E1001', owner_name: '홍길동', visibility: 'private',
  status: 'active', personal: false, role: 'owner', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
};
const ART = {
  id: 'a1', version_id: 'v1', parent_version_id: null, workspace_id: 'w1', type: 'document', title: '회의록',
  description: null, metadata: {}, version: 1, status: 'draft', created_by: 'E1001', created_by_name: '홍길동',
  turn_id: null, created_at: '2026-01-01T00:00:00Z',
};

function backend(extra: Route[] = []) {
  let messages: Message[] = [];
  const routes: Route[] = [
    ...extra,
    { method: 'GET', match: './config.json', respond: () => ({ status: 200, body: { apiBase: '/api', wsUrl: 'ws://test/ws', local: true, auth: AUTH } }) },
    { method: 'GET', match: '/api/me', respond: () => ({ status: 200, body: ME }) },
    { method: 'GET', match: '/api/models', respond: () => ({ status: 404 }) },
    { method: 'GET', match: '/api/conversations', respond: () => ({ status: 200, body: { items: [] } }) },
    { method: 'GET', match: '/api/files', respond: () => ({ status: 200, body: { items: [] } }) },
    { method: 'GET', match: '/api/workspaces', respond: () => ({ status: 200, body: { items: [WS] } }) },
    {
      method: 'POST',
      match: '/api/conversations',
      respond: (b) => ({ status: 201, body: { id: 'c9', title: 't', workspace_id: (b as { workspace_id?: string }).workspace_id ?? null, created_at: '', updated_at: '' } }),
    },
    { method: 'GET', match: '/api/conversations/c9/messages', respond: () => ({ status: 200, body: { items: messages } }) },
    {
      method: 'POST',
      match: '/api/conversations/c9/messages',
      respond: () => ({ status: 202, body: { turn_id: 't9', message_id: 'm9', conversation_id: 'c9', status: 'started' } }),
    },
  ];
  const f = routedFetch(routes);
  return { ...f, setMessages: (m: Message[]) => (messages = m) };
}

function renderApp(fetchImpl: ReturnType<typeof routedFetch>['fetchImpl']) {
  act(() => {
    root.render(
      <App
        fetchImpl={fetchImpl}
        createSocket={(url) => new FakeSocket(url)}
        createAuthClient={() => authClient}
        socketOptions={{ pingIntervalMs: 0, backoff: { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 } }}
        timing={{ reconcileAfterReconnectMs: 30, pollWithoutSocketMs: 30 }}
      />,
    );
  });
}

async function boot(be: ReturnType<typeof backend>) {
  signedInAs('tok');
  renderApp(be.fetchImpl);
  await waitFor(() => byText('.me-name', '홍길동'));
  const ws = FakeSocket.latest();
  await act(async () => ws.open());
  return ws;
}

beforeEach(() => {
  FakeSocket.reset();
  // The open conversation lives in the address: every test starts at the site root.
  window.history.replaceState(null, '', '/');
  FakeXHR.sent = [];
  vi.stubGlobal('XMLHttpRequest', FakeXHR);
  window.sessionStorage.clear();
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
});

describe('files', () => {
  it('uploads via the presigned POST, shows live status, attaches and renders file citations', async () => {
    const be = backend([
      {
        method: 'POST',
        match: '/api/files',
        respond: () => ({ status: 201, body: { file: FILE, upload: { method: 'POST', url: '/local/s3/bucket', fields: { key: 'uploads/E1001/f1/x.md', policy: 'p' }, expires_in: 900, max_bytes: 12 } } }),
      },
    ]);
    const ws = await boot(be);
    await click(byText('button', '내 파일')!);
    const input = $<HTMLInputElement>('.files-panel input[type=file]')!;
    const file = new File(['# 규정\n본문'], '규정.md', { type: '' });
    await act(async () => {
      Object.defineProperty(input, 'files', { value: [file], configurable: true });
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const reg = await waitFor(() => be.calls.find((c) => c.method === 'POST' && c.url === '/api/files'));
    expect(reg.body).toEqual({ name: '규정.md', size: file.size, type: 'text/markdown' });
    await waitFor(() => FakeXHR.sent.length === 1);
    const sent = FakeXHR.sent[0];
    expect(sent.url).toBe('/local/s3/bucket');
    expect([...sent.form.keys()]).toEqual(['key', 'policy', 'file']); // the file goes last
    expect(reg.headers.Authorization).toBe('Bearer tok');

    const status = () => $('[data-testid="file-row"]')?.dataset.status;
    await waitFor(() => status() === 'pending');
    await serverSends(ws, { type: 'file.status', file_id: 'f1', status: 'processing', progress: 40 });
    expect(status()).toBe('processing');
    expect($('[data-testid="file-status"]')?.textContent).toBe('처리 중 40%');
    await serverSends(ws, { type: 'file.status', file_id: 'f1', status: 'completed', progress: 100 });
    expect($('[data-testid="file-status"]')?.textContent).toBe('완료');

    // Attach, then send: the ids go in `attachments` and the chip disappears after sending.
    await click(byText('.file-actions button', '첨부')!);
    expect(byText('.attach-chip', '규정.md')).toBeTruthy();
    await typeInto($<HTMLTextAreaElement>('textarea')!, '연차는 며칠?');
    await click($('button.send')!);
    const post = await waitFor(() => be.calls.find((c) => c.method === 'POST' && c.url === '/api/conversations/c9/messages'));
    expect(post.body).toEqual({ content: '연차는 며칠?', attachments: ['f1'] });
    await waitFor(() => $('.attach-chip') === null);

    be.setMessages([
      { id: 'u', role: 'user', content: '연차는 며칠?', created_at: '' },
      {
        id: 'a', role: 'assistant', content: '15일입니다 [1]', agent_type: 'multimodal_rag', created_at: '',
        metadata: { citations: [{ file_id: 'f1', name: '규정.md', page: 2, ref: 1 }, { file_id: 'f1', name: '<b>x</b>.pdf', page: 1 }] },
      },
    ]);
    await serverSends(ws, { type: 'done', turn_id: 't9', message_id: 'a' });
    const cites = await waitFor(() => $('[data-testid="file-citations"]'));
    expect([...cites.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['출처: 규정.md p.2', '출처: <b>x</b>.pdf p.1']);
    expect(cites.querySelector('b')).toBeNull(); // names are text, never HTML
  });

  it('shows a refused upload (415) in the banner and sends nothing to S3', async () => {
    const be = backend([
      {
        method: 'POST',
        match: '/api/files',
        respond: () => ({ status: 415, body: { error: { code: 'unsupported_type', message: '지원하지 않는 파일 형식입니다: application/x-msdownload' } } }),
      },
    ]);
    await boot(be);
    await click(byText('button', '내 파일')!);
    const input = $<HTMLInputElement>('.files-panel input[type=file]')!;
    await act(async () => {
      Object.defineProperty(input, 'files', { value: [new File(['MZ'], 'a.exe', { type: 'application/x-msdownload' })], configurable: true });
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const banner = await waitFor(() => $('.banner-error'));
    expect(banner.textContent).toContain('지원하지 않는 파일 형식');
    expect(FakeXHR.sent).toHaveLength(0);
    expect($('[data-testid="file-row"]')).toBeNull();
  });

  it('deletes a file', async () => {
    const be = backend([
      { method: 'GET', match: '/api/files', respond: () => ({ status: 200, body: { items: [{ ...FILE, status: 'completed', progress: 100 }] } }) },
      { method: 'DELETE', match: '/api/files/f1', respond: () => ({ status: 204 }) },
    ]);
    await boot(be);
    await click(byText('button', '내 파일')!);
    await waitFor(() => $('[data-testid="file-row"]'));
    await click($('button[aria-label="규정.md 삭제"]')!);
    await waitFor(() => $('[data-testid="file-row"]') === null);
    expect(be.calls.some((c) => c.method === 'DELETE' && c.url === '/api/files/f1')).toBe(true);
  });
});

describe('workspaces', () => {
  it('joins, shows presence, tags new conversations, live-updates artifacts and leaves', async () => {
    let current = { ...ART, content: '첫 버전' };
    const be = backend([
      { method: 'GET', match: '/api/workspaces/w1/artifacts', respond: () => ({ status: 200, body: { items: [ART] } }) },
      { method: 'GET', match: '/api/workspaces/w1/artifacts/a1', respond: () => ({ status: 200, body: current }) },
      { method: 'GET', match: '/api/workspaces/w1/artifacts/a1/versions', respond: () => ({ status: 200, body: { items: [current] } }) },
    ]);
    const ws = await boot(be);
    await click(await waitFor(() => byText('.ws-open', '기획팀')));
    expect(ws.actions('join')).toEqual([{ action: 'join', workspace_id: 'w1' }]);
    await serverSends(ws, { type: 'presence', workspace_id: 'w1', joined: true, role: 'owner', users: [{ empno: 'E1001', name: '홍길동' }] });
    await serverSends(ws, { type: 'user_joined', workspace_id: 'w1', empno: 'E2002', name: '김철수' });
    expect($('[data-testid="presence"]')?.textContent).toContain('접속 2명');
    await serverSends(ws, { type: 'user_left', workspace_id: 'w1', empno: 'E2002', name: '김철수' });
    expect($('[data-testid="presence"]')?.textContent).not.toContain('김철수');

    // Artifact viewer with history.
    await click(await waitFor(() => byText('.artifact-item', '회의록')));
    await waitFor(() => byText('.artifact-body', '첫 버전'));
    // Someone saves version 2: list and viewer follow.
    current = { ...ART, version: 2, version_id: 'v2', content: '둘째 버전' };
    await serverSends(ws, { type: 'artifact.updated', workspace_id: 'w1', artifact: current, by: { empno: 'E2002', name: '김철수' }, source: 'api' });
    await waitFor(() => byText('.artifact-body', '둘째 버전'));
    expect(byText('.artifact-item', '회의록')?.textContent).toContain('v2');
    expect($('.artifact-notice')?.textContent).toContain('김철수');

    // A new conversation is created in the workspace.
    await typeInto($<HTMLTextAreaElement>('textarea')!, '안녕');
    await click($('button.send')!);
    const created = await waitFor(() => be.calls.find((c) => c.method === 'POST' && c.url === '/api/conversations'));
    expect((created.body as { workspace_id?: string }).workspace_id).toBe('w1');

    // Closing the workspace leaves it.
    await click(byText('.ws-open', '기획팀')!);
    expect(ws.actions('leave')).toEqual([{ action: 'leave', workspace_id: 'w1' }]);
    expect($('[data-testid="workspace-panel"]')).toBeNull();
  });

  it('re-joins the open workspace after a reconnect', async () => {
    const be = backend([{ method: 'GET', match: '/api/workspaces/w1/artifacts', respond: () => ({ status: 200, body: { items: [] } }) }]);
    const ws = await boot(be);
    await click(await waitFor(() => byText('.ws-open', '기획팀')));
    await act(async () => ws.drop());
    const ws2 = await waitFor(() => FakeSocket.instances.length === 2 && FakeSocket.latest());
    await act(async () => ws2.open());
    expect(ws2.actions('join')).toEqual([{ action: 'join', workspace_id: 'w1' }]);
  });

  it('on 409 stale_version shows the current version and re-applies the draft on top of it', async () => {
    const v1 = { ...ART, content: '원본' };
    const v2 = { ...ART, version: 2, version_id: 'v2', content: '남의 수정' };
    const patches: unknown[] = [];
    const be = backend([
      { method: 'GET', match: '/api/workspaces/w1/artifacts', respond: () => ({ status: 200, body: { items: [ART] } }) },
      { method: 'GET', match: '/api/workspaces/w1/artifacts/a1', respond: () => ({ status: 200, body: patches.length ? v2 : v1 }) },
      { method: 'GET', match: '/api/workspaces/w1/artifacts/a1/versions', respond: () => ({ status: 200, body: { items: [v1] } }) },
      {
        method: 'PATCH',
        match: '/api/workspaces/w1/artifacts/a1',
        respond: (b) => {
          patches.push(b);
          if ((b as { base_version: number }).base_version < 2) {
            return { status: 409, body: { error: { code: 'stale_version', message: 'stale', current: v2 } } };
          }
          return { status: 200, body: { ...ART, version: 3, version_id: 'v3', content: (b as { content: string }).content } };
        },
      },
    ]);
    await boot(be);
    await click(await waitFor(() => byText('.ws-open', '기획팀')));
    await click(await waitFor(() => byText('.artifact-item', '회의록')));
    await click(await waitFor(() => byText('.artifact-head button', '편집')));
    await typeInto($<HTMLTextAreaElement>('.artifact-textarea')!, '내 수정');
    await click(byText('.artifact-edit button', '저장')!);
    const conflict = await waitFor(() => $('.conflict'));
    expect(conflict.textContent).toContain('버전 2');
    expect(conflict.textContent).toContain('남의 수정');
    expect($<HTMLTextAreaElement>('.artifact-textarea')!.value).toBe('내 수정'); // the draft is kept
    expect($('.banner-error')).toBeNull();
    await click(byText('.conflict button', '내 편집 다시 적용')!);
    await click(byText('.artifact-edit button', '저장')!);
    await waitFor(() => patches.length === 2);
    expect(patches).toEqual([
      { base_version: 1, content: '내 수정' },
      { base_version: 2, content: '내 수정' },
    ]);
    await waitFor(() => $('.artifact-edit') === null);
  });
});
