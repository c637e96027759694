import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, buildWsUrl, parseServerFrame, PortalSocket, TurnAssembler, type TurnState } from './ws';
import { FakeSocket } from './test/fakes';

const chunk = (turn_id: string, seq: number, text: string) => ({ type: 'chunk' as const, turn_id, seq, text });

describe('TurnAssembler', () => {
  it('assembles chunks in seq order', () => {
    const a = new TurnAssembler();
    expect(a.applyChunk(chunk('t1', 1, '안녕'))).toBe('applied');
    expect(a.applyChunk(chunk('t1', 2, '하세요'))).toBe('applied');
    expect(a.get('t1')).toMatchObject({ text: '안녕하세요', lastSeq: 2, done: false, hasGap: false });
  });

  it('ignores duplicate seqs (e.g. replayed after resume)', () => {
    const a = new TurnAssembler();
    a.applyChunk(chunk('t1', 1, 'A'));
    a.applyChunk(chunk('t1', 2, 'B'));
    expect(a.applyChunk(chunk('t1', 1, 'A'))).toBe('duplicate');
    expect(a.applyChunk(chunk('t1', 2, 'B'))).toBe('duplicate');
    expect(a.get('t1')?.text).toBe('AB');
  });

  it('buffers out-of-order chunks until the gap is filled', () => {
    const a = new TurnAssembler();
    a.applyChunk(chunk('t1', 1, 'A'));
    expect(a.applyChunk(chunk('t1', 3, 'C'))).toBe('buffered');
    expect(a.applyChunk(chunk('t1', 3, 'C'))).toBe('duplicate');
    expect(a.get('t1')).toMatchObject({ text: 'A', lastSeq: 1, hasGap: true });
    expect(a.applyChunk(chunk('t1', 4, 'D'))).toBe('buffered');
    expect(a.applyChunk(chunk('t1', 2, 'B'))).toBe('applied');
    expect(a.get('t1')).toMatchObject({ text: 'ABCD', lastSeq: 4, hasGap: false });
  });

  it('rejects invalid seqs and keeps turns separate', () => {
    const a = new TurnAssembler();
    expect(a.applyChunk(chunk('t1', 0, 'x'))).toBe('invalid');
    expect(a.applyChunk(chunk('t1', 1.5, 'x'))).toBe('invalid');
    expect(a.applyChunk(chunk('', 1, 'x'))).toBe('invalid');
    a.applyChunk(chunk('t1', 1, 'one'));
    a.applyChunk(chunk('t2', 1, 'two'));
    expect(a.get('t1')?.text).toBe('one');
    expect(a.get('t2')?.text).toBe('two');
  });

  it('keeps chunks that arrive before the turn is tracked', () => {
    const a = new TurnAssembler();
    a.applyChunk(chunk('early', 1, 'hi'));
    const st = a.track('early');
    expect(st.text).toBe('hi');
    expect(a.inFlight().map((t) => t.turnId)).toEqual(['early']);
    a.applyDone({ type: 'done', turn_id: 'early' });
    expect(a.inFlight()).toEqual([]);
    expect(a.get('early')?.done).toBe(true);
  });

  it('records errors as finished turns', () => {
    const a = new TurnAssembler();
    a.track('t');
    a.applyError({ type: 'error', turn_id: 't', code: 'provider_error', message: '모델 오류' });
    expect(a.get('t')).toMatchObject({ done: true, error: { code: 'provider_error', message: '모델 오류' } });
  });

  it('returns new snapshot objects on change (safe for React state)', () => {
    const a = new TurnAssembler();
    a.applyChunk(chunk('t', 1, 'a'));
    const s1 = a.get('t');
    a.applyChunk(chunk('t', 1, 'a'));
    expect(a.get('t')).toBe(s1); // duplicate: unchanged
    a.applyChunk(chunk('t', 2, 'b'));
    expect(a.get('t')).not.toBe(s1);
    expect(s1?.text).toBe('a');
  });

  it('evicts old finished turns beyond the cap, never tracked in-flight ones', () => {
    const a = new TurnAssembler(3);
    a.track('keep');
    for (let i = 0; i < 10; i++) a.applyChunk(chunk(`x${i}`, 1, 'z'));
    expect(a.size).toBeLessThanOrEqual(3);
    expect(a.get('keep')).toBeDefined();
    expect(a.get('x9')).toBeDefined();
  });
});

describe('helpers', () => {
  it('parseServerFrame ignores junk', () => {
    expect(parseServerFrame('not json')).toEqual([]);
    expect(parseServerFrame(JSON.stringify({ no: 'type' }))).toEqual([]);
    expect(parseServerFrame(42)).toEqual([]);
    expect(parseServerFrame(JSON.stringify({ type: 'pong' }))).toEqual([{ type: 'pong' }]);
    expect(parseServerFrame(JSON.stringify([{ type: 'pong' }, { type: 'presence' }]))).toHaveLength(2);
  });

  it('buildWsUrl appends the token', () => {
    expect(buildWsUrl('ws://localhost:8000/ws', 'a b')).toBe('ws://localhost:8000/ws?token=a%20b');
    expect(buildWsUrl('wss://x.example/prod?v=1', 't')).toBe('wss://x.example/prod?v=1&token=t');
    expect(buildWsUrl('/ws', 't', 'https://portal.example/app/')).toBe('wss://portal.example/ws?token=t');
    expect(buildWsUrl('/ws', 't', 'http://localhost:8000/')).toBe('ws://localhost:8000/ws?token=t');
  });

  it('backoffDelay grows exponentially and is capped', () => {
    const opts = { initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, opts))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    const jittered = backoffDelay(2, { ...opts, jitter: 0.5 }, () => 0);
    expect(jittered).toBe(1000);
  });
});

describe('PortalSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const make = () =>
    new PortalSocket({
      url: 'ws://test/ws?token=t',
      createSocket: (url) => new FakeSocket(url),
      backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
      pingIntervalMs: 0,
    });

  it('reports status and streams chunks to listeners, ignoring duplicates', () => {
    const s = make();
    const statuses: string[] = [];
    const updates: TurnState[] = [];
    s.onStatus((st) => statuses.push(st));
    s.onTurn((t) => updates.push(t));
    s.connect();
    const ws = FakeSocket.latest();
    expect(ws.url).toBe('ws://test/ws?token=t');
    ws.open();
    expect(s.status).toBe('open');
    s.trackTurn('t1', s.generation);
    ws.emit(chunk('t1', 1, 'Hel'));
    ws.emit(chunk('t1', 2, 'lo'));
    ws.emit(chunk('t1', 2, 'lo'));
    expect(s.turns.get('t1')?.text).toBe('Hello');
    expect(updates).toHaveLength(2); // duplicate produced no update
    ws.emit({ type: 'done', turn_id: 't1', message_id: 'm2', agent: 'general', model: 'x' });
    expect(s.turns.get('t1')?.done).toBe(true);
    expect(statuses).toEqual(['connecting', 'open']);
    // No resume needed: nothing happened between POST and tracking.
    expect(ws.actions('resume')).toEqual([]);
  });

  it('reconnects with backoff and resumes in-flight turns from the last seq', () => {
    const s = make();
    s.connect();
    const ws1 = FakeSocket.latest();
    ws1.open();
    s.trackTurn('t1', s.generation);
    ws1.emit(chunk('t1', 1, 'A'));
    ws1.emit(chunk('t1', 2, 'B'));
    ws1.drop();
    expect(s.status).toBe('reconnecting');

    // First retry after 100 ms; it fails too.
    vi.advanceTimersByTime(99);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.latest().drop();
    // Second retry after 200 ms.
    vi.advanceTimersByTime(199);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);

    const ws3 = FakeSocket.latest();
    ws3.open();
    expect(s.status).toBe('open');
    expect(ws3.actions('resume')).toEqual([{ action: 'resume', turn_id: 't1', after_seq: 2 }]);

    // Server replays from seq 1 (overlap) and continues: duplicates are dropped.
    ws3.emit(chunk('t1', 2, 'B'));
    ws3.emit(chunk('t1', 3, 'C'));
    ws3.emit(chunk('t1', 3, 'C'));
    expect(s.turns.get('t1')?.text).toBe('ABC');

    // Backoff resets after a successful open.
    ws3.drop();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.instances).toHaveLength(4);
  });

  it('resumes with after_seq 0 a turn that got no chunk before the drop', () => {
    const s = make();
    s.connect();
    FakeSocket.latest().open();
    s.trackTurn('t9', s.generation);
    FakeSocket.latest().drop();
    vi.advanceTimersByTime(100);
    FakeSocket.latest().open();
    expect(FakeSocket.latest().actions('resume')).toEqual([{ action: 'resume', turn_id: 't9', after_seq: 0 }]);
  });

  it('does not resume finished turns', () => {
    const s = make();
    s.connect();
    FakeSocket.latest().open();
    s.trackTurn('t1', s.generation);
    FakeSocket.latest().emit({ type: 'done', turn_id: 't1' });
    FakeSocket.latest().drop();
    vi.advanceTimersByTime(100);
    FakeSocket.latest().open();
    expect(FakeSocket.latest().actions('resume')).toEqual([]);
  });

  it('asks for a replay when tracking a turn after a reconnect happened during the POST', () => {
    const s = make();
    s.connect();
    FakeSocket.latest().open();
    const gen = s.generation;
    FakeSocket.latest().drop();
    vi.advanceTimersByTime(100);
    FakeSocket.latest().open();
    FakeSocket.latest().emit(chunk('t5', 1, 'x'));
    s.trackTurn('t5', gen);
    expect(FakeSocket.latest().actions('resume')).toEqual([{ action: 'resume', turn_id: 't5', after_seq: 1 }]);
  });

  it('requests a resume once when it notices a gap', () => {
    const s = make();
    s.connect();
    const ws = FakeSocket.latest();
    ws.open();
    s.trackTurn('t1', s.generation);
    ws.emit(chunk('t1', 1, 'A'));
    ws.emit(chunk('t1', 3, 'C'));
    ws.emit(chunk('t1', 4, 'D'));
    expect(ws.actions('resume')).toEqual([{ action: 'resume', turn_id: 't1', after_seq: 1 }]);
    ws.emit(chunk('t1', 2, 'B'));
    expect(s.turns.get('t1')?.text).toBe('ABCD');
  });

  it('repeats the resume of an orphaned turn only while it stays silent, until it is done', () => {
    const s = new PortalSocket({
      url: 'ws://t',
      createSocket: (url) => new FakeSocket(url),
      backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
      pingIntervalMs: 0,
      resumeRepeatMs: 1000,
    });
    s.connect();
    FakeSocket.latest().open();
    s.trackTurn('t1', s.generation);
    s.trackTurn('t2', s.generation);
    FakeSocket.latest().emit(chunk('t1', 1, 'A'));
    vi.advanceTimersByTime(5000);
    expect(FakeSocket.latest().actions('resume')).toEqual([]); // same connection: nothing to ask
    expect(s.isOrphaned('t1')).toBe(false);

    FakeSocket.latest().drop();
    vi.advanceTimersByTime(100);
    const ws = FakeSocket.latest();
    ws.open();
    expect(s.isOrphaned('t1')).toBe(true);
    expect(ws.actions('resume')).toHaveLength(2);
    // The server subscribed this socket: chunks flow, so no second registration.
    ws.emit(chunk('t1', 2, 'B'));
    ws.emit({ type: 'done', turn_id: 't2' });
    vi.advanceTimersByTime(1000);
    expect(ws.actions('resume')).toHaveLength(2);
    // A whole silent period: the resume may have been lost, ask again from the last seq.
    vi.advanceTimersByTime(1000);
    expect(ws.actions('resume').slice(2)).toEqual([{ action: 'resume', turn_id: 't1', after_seq: 2 }]);
    ws.emit({ type: 'done', turn_id: 't1' });
    vi.advanceTimersByTime(5000);
    expect(ws.actions('resume')).toHaveLength(3);
  });

  it('does not fail a turn when its resume is refused, and stops resuming it', () => {
    const s = new PortalSocket({
      url: 'ws://t',
      createSocket: (url) => new FakeSocket(url),
      backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
      pingIntervalMs: 0,
      resumeRepeatMs: 1000,
    });
    s.connect();
    FakeSocket.latest().open();
    s.trackTurn('t1', s.generation);
    FakeSocket.latest().drop();
    vi.advanceTimersByTime(100);
    const ws = FakeSocket.latest();
    ws.open();
    expect(ws.actions('resume')).toHaveLength(1);
    ws.emit({ type: 'error', code: 'too_many_resumes', message: 'x', action: 'resume', turn_id: 't1' });
    expect(s.turns.get('t1')?.done).toBe(false);
    ws.emit({ type: 'error', code: 'turn_expired', message: 'gone', action: 'resume', turn_id: 't1' });
    expect(s.turns.get('t1')?.done).toBe(false);
    expect(s.turns.get('t1')?.error).toBeUndefined();
    vi.advanceTimersByTime(5000);
    expect(ws.actions('resume')).toHaveLength(1);
  });

  it('close() stops reconnecting', () => {
    const s = make();
    s.connect();
    FakeSocket.latest().open();
    s.close();
    expect(s.status).toBe('closed');
    expect(FakeSocket.latest().closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('pings and drops a connection that stops answering', () => {
    const s = new PortalSocket({
      url: 'ws://t',
      createSocket: (url) => new FakeSocket(url),
      backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
      pingIntervalMs: 1000,
      pongTimeoutMs: 500,
    });
    s.connect();
    const ws = FakeSocket.latest();
    ws.open();
    vi.advanceTimersByTime(1000);
    expect(ws.actions('ping')).toHaveLength(1);
    ws.emit({ type: 'pong' });
    vi.advanceTimersByTime(600);
    expect(s.status).toBe('open');
    vi.advanceTimersByTime(400); // second ping at t=2000, no pong
    expect(ws.actions('ping')).toHaveLength(2);
    vi.advanceTimersByTime(500);
    expect(ws.closed).toBe(true);
    expect(s.status).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('reconnectNow skips the backoff wait', () => {
    const s = make();
    s.connect();
    FakeSocket.latest().open();
    FakeSocket.latest().drop();
    expect(FakeSocket.instances).toHaveLength(1);
    s.reconnectNow();
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(5000);
    expect(FakeSocket.instances).toHaveLength(2);
  });
});

describe('PortalSocket follows the token', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A socket whose URL carries whatever token `current` holds when it connects. */
  const make = (current: { token: string }) =>
    new PortalSocket({
      url: async () => buildWsUrl('ws://test/ws', current.token),
      createSocket: (url) => new FakeSocket(url),
      backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
      pingIntervalMs: 0,
    });

  it('re-authenticates the open socket once per new token, never with the one it connected with', async () => {
    // Given an open socket connected with token A
    const current = { token: 'A' };
    const s = make(current);
    s.connect();
    await vi.advanceTimersByTimeAsync(0);
    const ws = FakeSocket.latest();
    expect(ws.url).toBe('ws://test/ws?token=A');
    ws.open();

    // When the app refreshes to B (and tells the socket twice)
    expect(s.authenticate('A')).toBe(false);
    expect(s.authenticate('B')).toBe(true);
    expect(s.authenticate('B')).toBe(false);

    // Then one auth frame with B went out on the same connection
    expect(ws.actions('auth')).toEqual([{ action: 'auth', token: 'B' }]);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('on auth_expired reconnects at once with the fresh token and resumes the turn from its last seq', async () => {
    // Given a turn streaming on a socket connected with A
    const current = { token: 'A' };
    const s = make(current);
    s.connect();
    await vi.advanceTimersByTimeAsync(0);
    const ws1 = FakeSocket.latest();
    ws1.open();
    s.trackTurn('t1', s.generation);
    ws1.emit(chunk('t1', 1, '안녕'));
    ws1.emit(chunk('t1', 2, '하세요'));

    // When the token was refreshed meanwhile and the server says the socket's token expired
    current.token = 'B';
    ws1.emit({ type: 'auth_expired' });
    await vi.advanceTimersByTimeAsync(0);

    // Then a new socket opens right away (no backoff) with B and resumes after seq 2
    expect(ws1.closed).toBe(true);
    expect(FakeSocket.instances).toHaveLength(2);
    const ws2 = FakeSocket.latest();
    expect(ws2.url).toBe('ws://test/ws?token=B');
    ws2.open();
    expect(ws2.actions('resume')).toEqual([{ action: 'resume', turn_id: 't1', after_seq: 2 }]);
    ws2.emit(chunk('t1', 2, '하세요'));
    ws2.emit(chunk('t1', 3, '!'));
    expect(s.turns.get('t1')?.text).toBe('안녕하세요!');
    // The new connection already has B: no redundant auth frame.
    expect(s.authenticate('B')).toBe(false);
  });

  it('the connection an auth_expired reconnect replaces is closed and deaf: one socket, one resume', async () => {
    // Given a turn accepted on a socket connected with A, its token since refreshed to B
    const current = { token: 'A' };
    const s = make(current);
    s.connect();
    await vi.advanceTimersByTimeAsync(0);
    const ws1 = FakeSocket.latest();
    ws1.open();
    s.trackTurn('t1', s.generation);
    current.token = 'B';

    // When the server says the token expired and closes it, the tab wakes (reconnectNow) while
    // the new socket connects, and a frame still reaches the old one
    ws1.emit({ type: 'auth_expired' });
    ws1.drop(1000);
    s.reconnectNow();
    await vi.advanceTimersByTimeAsync(0);
    s.reconnectNow();
    ws1.emit(chunk('t1', 1, '늦은'));
    const ws2 = FakeSocket.latest();
    ws2.open();
    ws2.emit(chunk('t1', 1, '안녕'));
    ws2.emit({ type: 'done', turn_id: 't1', message_id: 'm1', last_seq: 1 });
    await vi.advanceTimersByTimeAsync(60_000);

    // Then the old socket was closed with its handlers gone, exactly one new socket resumed once
    expect(ws1.closed).toBe(true);
    expect([ws1.onopen, ws1.onclose, ws1.onerror, ws1.onmessage]).toEqual([null, null, null, null]);
    expect(FakeSocket.instances).toEqual([ws1, ws2]);
    expect(ws2.url).toBe('ws://test/ws?token=B');
    expect(ws2.actions('resume')).toEqual([{ action: 'resume', turn_id: 't1', after_seq: 0 }]);
    expect(s.turns.get('t1')?.text).toBe('안녕');
  });

  it('a refused re-auth starts over on a new connection', async () => {
    const current = { token: 'A' };
    const s = make(current);
    s.connect();
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.latest().open();
    current.token = 'B';
    s.authenticate('B');
    FakeSocket.latest().emit({ type: 'error', action: 'auth', code: 'unauthorized', message: 'bad token' });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.instances).toHaveLength(2);
    expect(FakeSocket.latest().url).toBe('ws://test/ws?token=B');
  });

  it('a failing token lookup is retried with backoff', async () => {
    let calls = 0;
    const s = new PortalSocket({
      url: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('refresh failed')) : 'ws://test/ws?token=C';
      },
      createSocket: (url) => new FakeSocket(url),
      backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
      pingIntervalMs: 0,
    });
    s.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.instances).toHaveLength(0);
    expect(s.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.latest().url).toBe('ws://test/ws?token=C');
  });
});
