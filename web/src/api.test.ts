import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, MAX_RETRIES, authConfigOf, loadConfig, parseError, retryAfterMs, retryingMessage } from './api';
import { jsonResponse, routedFetch } from './test/fakes';

describe('parseError', () => {
  it('reads the backend error envelope', async () => {
    const err = await parseError(
      jsonResponse(404, { error: { code: 'not_found', message: '대화를 찾을 수 없습니다.', correlation_id: 'c-123' } }),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'not_found', message: '대화를 찾을 수 없습니다.', correlationId: 'c-123' });
  });

  it('works without correlation_id', async () => {
    const err = await parseError(jsonResponse(429, { error: { code: 'rate_limited', message: '잠시 후 다시' } }));
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', message: '잠시 후 다시', correlationId: undefined });
  });

  it('an English server message never reaches a Korean user: the code (or the status) is translated', async () => {
    const known = await parseError(jsonResponse(403, { error: { code: 'agent_locked', message: 'You do not have access', agent: 'tax' } }));
    expect(known.message).toBe('세무 에이전트는 권한이 있어야 쓸 수 있습니다. 관리자에게 권한을 요청해 주세요.');
    const generic = await parseError(jsonResponse(429, { error: { code: 'rate_limited', message: 'slow down' } }));
    expect(generic.message).toBe('요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.');
    const unknown = await parseError(jsonResponse(400, { error: { code: 'brand_new', message: 'Some English' } }));
    expect(unknown.message).toBe('요청을 처리할 수 없습니다. 입력 내용을 확인해 주세요.');
    const specific = await parseError(jsonResponse(415, { error: { code: 'unsupported_type', message: '.exe 파일은 안 됩니다' } }));
    expect(specific.message).toContain('지원하지 않는 파일 형식');
  });

  it('falls back to a status message for non-JSON bodies (proxy HTML, empty)', async () => {
    const html = await parseError(new Response('<html>Bad Gateway</html>', { status: 502 }));
    expect(html).toMatchObject({ status: 502, code: 'server_error' });
    expect(html.message).toContain('게이트웨이');
    const empty = await parseError(new Response(null, { status: 500 }));
    expect(empty).toMatchObject({ status: 500, code: 'server_error' });
    expect(empty.message).toContain('서버에서 오류');
  });

  it('fills a missing code/message from the status', async () => {
    const err = await parseError(jsonResponse(403, { error: {} }));
    expect(err).toMatchObject({ status: 403, code: 'forbidden', message: '이 작업을 할 권한이 없습니다.' });
  });

  it('accepts a FastAPI-style detail string', async () => {
    const err = await parseError(jsonResponse(400, { detail: '잘못된 필드' }));
    expect(err).toMatchObject({ status: 400, code: 'bad_request', message: '잘못된 필드' });
  });
});

describe('ApiClient', () => {
  it('sends the bearer token and parses responses', async () => {
    const { fetchImpl, calls } = routedFetch([
      { method: 'GET', match: '/api/me', respond: () => ({ status: 200, body: { empno: 'E1', name: '홍길동', company_code: 'C', roles: [], is_admin: false } }) },
      { method: 'POST', match: '/api/conversations/c%2F1/messages', respond: () => ({ status: 202, body: { turn_id: 't', message_id: 'm', conversation_id: 'c/1', status: 'started' } }) },
      { method: 'DELETE', match: '/api/conversations/c1', respond: () => ({ status: 204 }) },
    ]);
    const api = new ApiClient({ apiBase: '/api/', getToken: () => 'tok', fetchImpl });
    expect((await api.me()).name).toBe('홍길동');
    expect(calls[0].headers.Authorization).toBe('Bearer tok');
    const r = await api.postMessage('c/1', { content: '안녕', toggle: 'web_search' });
    expect(r.turn_id).toBe('t');
    expect(calls[1].body).toEqual({ content: '안녕', toggle: 'web_search' });
    expect(calls[1].headers['Content-Type']).toBe('application/json');
    await expect(api.deleteConversation('c1')).resolves.toBeUndefined();
  });

  it('returns null for models when the endpoint 404s', async () => {
    const { fetchImpl } = routedFetch([]);
    const api = new ApiClient({ apiBase: '/api', getToken: () => 't', fetchImpl });
    await expect(api.models()).resolves.toBeNull();
  });

  it('throws ApiError for other failures and reports 401', async () => {
    const onUnauthorized = vi.fn();
    const { fetchImpl } = routedFetch([
      { method: 'GET', match: '/api/models', respond: () => ({ status: 500, body: { error: { code: 'internal', message: 'boom', correlation_id: 'x' } } }) },
      { method: 'GET', match: '/api/conversations', respond: () => ({ status: 401, body: { error: { code: 'unauthorized', message: '토큰 만료' } } }) },
    ]);
    const api = new ApiClient({ apiBase: '/api', getToken: () => 't', fetchImpl, onUnauthorized });
    await expect(api.models()).rejects.toMatchObject({ status: 500, code: 'internal', correlationId: 'x' });
    await expect(api.listConversations()).rejects.toMatchObject({ status: 401, message: '토큰 만료' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('sends every request with the current token: after a refresh the next request uses the new one', async () => {
    let current = 'old';
    const { fetchImpl, calls } = routedFetch([
      { method: 'GET', match: '/api/me', respond: () => ({ status: 200, body: {} }) },
    ]);
    const api = new ApiClient({ apiBase: '/api', getToken: () => current, fetchImpl });
    await api.me();
    current = 'new';
    await api.me();
    expect(calls.map((c) => c.headers.Authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('on a 401 renews the token once and repeats the request with it', async () => {
    const onUnauthorized = vi.fn();
    const { fetchImpl, calls } = routedFetch([
      {
        method: 'GET',
        match: '/api/me',
        respond: (_b, _u, h) => (h.Authorization === 'Bearer fresh' ? { status: 200, body: { name: '홍길동' } } : { status: 401, body: { detail: 'expired' } }),
      },
    ]);
    const api = new ApiClient({ apiBase: '/api', getToken: () => 'stale', fetchImpl, renewToken: async () => 'fresh', onUnauthorized });
    await expect(api.me()).resolves.toEqual({ name: '홍길동' });
    expect(calls.map((c) => c.headers.Authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('a 401 that renewal cannot cure ends the session', async () => {
    const onUnauthorized = vi.fn();
    const { fetchImpl, calls } = routedFetch([
      { method: 'GET', match: '/api/me', respond: () => ({ status: 401, body: { detail: 'expired' } }) },
    ]);
    const api = new ApiClient({ apiBase: '/api', getToken: () => 'stale', fetchImpl, renewToken: () => Promise.reject(new Error('invalid_grant')), onUnauthorized });
    await expect(api.me()).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('maps network failures to network_error', async () => {
    const api = new ApiClient({
      apiBase: '/api',
      getToken: () => null,
      fetchImpl: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(api.me()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('config', () => {
  it('loads config.json relative to the page with defaults', async () => {
    const { fetchImpl, calls } = routedFetch([
      { method: 'GET', match: './config.json', respond: () => ({ status: 200, body: { wsUrl: 'ws://h/ws', local: true } }) },
    ]);
    await expect(loadConfig(fetchImpl)).resolves.toEqual({ apiBase: '/api', wsUrl: 'ws://h/ws', local: true, auth: null });
    expect(calls[0].url).toBe('./config.json');
  });

  it('reads the auth block of config.json, and null without issuer or client id', async () => {
    const auth = { authority: 'http://h/oidc', clientId: 'portal-web', scope: 'openid profile email' };
    const { fetchImpl } = routedFetch([
      { method: 'GET', match: './config.json', respond: () => ({ status: 200, body: { wsUrl: 'ws://h/ws', auth: { ...auth, logoutUrl: 'https://d/logout' } } }) },
    ]);
    expect((await loadConfig(fetchImpl)).auth).toEqual({ ...auth, logoutUrl: 'https://d/logout' });
    expect(authConfigOf({ authority: 'http://h/oidc' })).toBeNull();
    expect(authConfigOf({ authority: 'http://h/oidc', clientId: 'c' })?.scope).toBe('openid profile email');
  });
});

describe('ApiClient retries a waking database', () => {
  const waking = () =>
    new Response(
      JSON.stringify({ error: { code: 'database_resuming', message: '데이터베이스를 깨우는 중입니다… 잠시 후 다시 시도해 주세요.' } }),
      { status: 503, headers: { 'Content-Type': 'application/json', 'Retry-After': '10' } },
    );

  function client(answers: Response[]) {
    const calls: string[] = [];
    const waits: number[] = [];
    const fetchImpl = vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method} ${url} ${init?.body ?? ''}`);
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      return next;
    });
    const retried: number[] = [];
    const api = new ApiClient({
      apiBase: '/api',
      getToken: () => 't',
      fetchImpl,
      sleep: async (ms) => {
        waits.push(ms);
      },
      onRetry: (attempt) => retried.push(attempt),
    });
    return { api, calls, waits, retried };
  }

  it('waits as long as Retry-After says and sends the same request again', async () => {
    // Given a server that answers 503 + Retry-After twice, then the conversation
    const me = { empno: 'E1001', name: '홍길동' };
    const { api, calls, waits, retried } = client([waking(), waking(), jsonResponse(200, me)]);

    // When the UI asks for it
    const got = await api.me();

    // Then it got the answer after two waits of 10 s, told the UI each time, and asked three times
    expect(got).toEqual(me);
    expect(waits).toEqual([10_000, 10_000]);
    expect(retried).toEqual([1, 2]);
    expect(calls).toHaveLength(3);
    expect(new Set(calls).size).toBe(1);
  });

  it('gives up after MAX_RETRIES with the server’s Korean message', async () => {
    // Given a database that never wakes up
    const { api, calls } = client(Array.from({ length: MAX_RETRIES + 1 }, waking));

    // When the UI asks / Then the last 503 reaches the caller, in Korean
    await expect(api.me()).rejects.toMatchObject({
      status: 503,
      code: 'database_resuming',
      message: expect.stringContaining('데이터베이스를 깨우는 중입니다'),
    });
    expect(calls).toHaveLength(MAX_RETRIES + 1);
  });

  it('does not retry a 503 without Retry-After', async () => {
    // Given a 503 that does not ask for a retry
    const { api, calls, waits } = client([jsonResponse(503, { error: { code: 'not_configured', message: 'x' } })]);

    // When the UI asks / Then the error comes back at once
    await expect(api.me()).rejects.toMatchObject({ status: 503, code: 'not_configured' });
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

describe('retryAfterMs', () => {
  it('reads whole seconds and caps long waits', () => {
    const res = (value: string, status = 503) => new Response(null, { status, headers: { 'Retry-After': value } });
    expect(retryAfterMs(res('10'))).toBe(10_000);
    expect(retryAfterMs(res('3600'))).toBe(30_000);
    expect(retryAfterMs(res('Wed, 21 Oct 2015 07:28:00 GMT'))).toBeNull();
    expect(retryAfterMs(res('10', 429))).toBeNull();
  });

  it('the message shown while waiting is Korean', () => {
    expect(retryingMessage()).toContain('데이터베이스를 깨우는 중입니다');
  });
});
