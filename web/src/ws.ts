// WebSocket client: streaming-turn assembly (dedupe/reorder by seq), reconnect with
// exponential backoff, and `resume` of in-flight turns after a reconnect.
//
// Everything here is plain logic over a minimal `SocketLike` interface, so tests can drive
// it with a fake socket and fake timers — no real network needed.
import type {
  ChunkEvent,
  ClientAction,
  ConnectionStatus,
  DoneEvent,
  ErrorEvent,
  ServerEvent,
} from './types';

// ---------------------------------------------------------------------------
// Turn assembly
// ---------------------------------------------------------------------------

export interface TurnState {
  readonly turnId: string;
  /** Text assembled from contiguous chunks 1..lastSeq. */
  readonly text: string;
  /** Highest seq applied contiguously (0 = nothing yet). */
  readonly lastSeq: number;
  readonly done: boolean;
  readonly doneEvent?: DoneEvent;
  readonly error?: { code: string; message: string };
  /** True while chunks after a missing seq are being held back. */
  readonly hasGap: boolean;
}

interface TurnInternal {
  text: string;
  lastSeq: number;
  pending: Map<number, string>;
  done: boolean;
  doneEvent?: DoneEvent;
  error?: { code: string; message: string };
  /** The UI is waiting for this turn (resume it after a reconnect). */
  tracked: boolean;
  touched: number;
  snapshot: TurnState;
}

export type ChunkResult = 'applied' | 'duplicate' | 'buffered' | 'invalid';

function snapshotOf(turnId: string, t: Omit<TurnInternal, 'snapshot'>): TurnState {
  return {
    turnId,
    text: t.text,
    lastSeq: t.lastSeq,
    done: t.done,
    doneEvent: t.doneEvent,
    error: t.error,
    hasGap: t.pending.size > 0,
  };
}

/**
 * Assembles streamed turns from `chunk` events.
 *
 * - seq starts at 1 and increases; a chunk with seq <= lastSeq (or already buffered) is a
 *   duplicate (e.g. replayed by `resume`) and is ignored.
 * - A chunk arriving after a gap is buffered until the missing seqs arrive.
 * - Chunks for turns nobody tracks yet are kept: the socket can deliver the first chunks
 *   before the POST that started the turn has returned its turn_id.
 */
export class TurnAssembler {
  private readonly turns = new Map<string, TurnInternal>();
  private clock = 0;

  constructor(private readonly maxTurns = 200) {}

  private ensure(turnId: string): TurnInternal {
    let t = this.turns.get(turnId);
    if (!t) {
      const base = {
        text: '',
        lastSeq: 0,
        pending: new Map<number, string>(),
        done: false,
        tracked: false,
        touched: ++this.clock,
      };
      t = { ...base, snapshot: snapshotOf(turnId, base) };
      this.turns.set(turnId, t);
      this.evict();
    } else {
      t.touched = ++this.clock;
    }
    return t;
  }

  private refresh(turnId: string, t: TurnInternal): void {
    t.snapshot = snapshotOf(turnId, t);
  }

  /** Drop the least recently touched finished/untracked turns beyond the cap. */
  private evict(): void {
    if (this.turns.size <= this.maxTurns) return;
    const candidates = [...this.turns.entries()]
      .filter(([, t]) => t.done || !t.tracked)
      .sort((a, b) => a[1].touched - b[1].touched);
    for (const [id] of candidates) {
      if (this.turns.size <= this.maxTurns) break;
      this.turns.delete(id);
    }
  }

  applyChunk(ev: Pick<ChunkEvent, 'turn_id' | 'seq' | 'text'>): ChunkResult {
    if (typeof ev.turn_id !== 'string' || !ev.turn_id) return 'invalid';
    if (!Number.isInteger(ev.seq) || ev.seq < 1) return 'invalid';
    const text = typeof ev.text === 'string' ? ev.text : '';
    const t = this.ensure(ev.turn_id);
    if (ev.seq <= t.lastSeq || t.pending.has(ev.seq)) return 'duplicate';
    if (ev.seq !== t.lastSeq + 1) {
      t.pending.set(ev.seq, text);
      this.refresh(ev.turn_id, t);
      return 'buffered';
    }
    t.text += text;
    t.lastSeq = ev.seq;
    // Drain buffered chunks that are now contiguous.
    for (let next = t.pending.get(t.lastSeq + 1); next !== undefined; next = t.pending.get(t.lastSeq + 1)) {
      t.pending.delete(t.lastSeq + 1);
      t.text += next;
      t.lastSeq += 1;
    }
    this.refresh(ev.turn_id, t);
    return 'applied';
  }

  applyDone(ev: DoneEvent): void {
    if (!ev.turn_id) return;
    const t = this.ensure(ev.turn_id);
    t.done = true;
    t.doneEvent = ev;
    this.refresh(ev.turn_id, t);
  }

  applyError(ev: ErrorEvent): void {
    if (!ev.turn_id) return;
    const t = this.ensure(ev.turn_id);
    t.done = true;
    t.error = { code: ev.code, message: ev.message };
    this.refresh(ev.turn_id, t);
  }

  /** Mark a turn as awaited by the UI: it is resumed after reconnects until done. */
  track(turnId: string): TurnState {
    const t = this.ensure(turnId);
    t.tracked = true;
    return t.snapshot;
  }

  forget(turnId: string): void {
    this.turns.delete(turnId);
  }

  get(turnId: string): TurnState | undefined {
    return this.turns.get(turnId)?.snapshot;
  }

  lastSeq(turnId: string): number {
    return this.turns.get(turnId)?.lastSeq ?? 0;
  }

  /** Tracked turns that have not finished: these need a `resume` after a reconnect. */
  inFlight(): TurnState[] {
    return [...this.turns.values()].filter((t) => t.tracked && !t.done).map((t) => t.snapshot);
  }

  get size(): number {
    return this.turns.size;
  }
}

// ---------------------------------------------------------------------------
// Event parsing
// ---------------------------------------------------------------------------

/** Parse one text frame into server events (ignores anything that is not JSON with a `type`). */
export function parseServerFrame(data: unknown): ServerEvent[] {
  if (typeof data !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [];
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.filter(
    (e): e is ServerEvent =>
      !!e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string',
  );
}

// ---------------------------------------------------------------------------
// Reconnecting socket
// ---------------------------------------------------------------------------

/** The subset of the browser WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export const WS_OPEN = 1;

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: the delay is randomised by ±jitter. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const raw = Math.min(opts.maxMs, opts.initialMs * Math.pow(opts.factor, Math.max(0, attempt)));
  const spread = raw * opts.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(opts.maxMs, raw + spread)));
}

/**
 * `wsUrl?token=<token>` (or `&token=` when wsUrl already has a query). A relative wsUrl
 * ("/ws") is resolved against the page, switching http(s) to ws(s).
 */
export function buildWsUrl(wsUrl: string, token: string, pageHref?: string): string {
  let base = wsUrl || '/ws';
  if (!/^wss?:\/\//i.test(base)) {
    const href = pageHref ?? (typeof location !== 'undefined' ? location.href : 'http://localhost/');
    const u = new URL(base, href);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    base = u.toString();
  }
  const sep = base.includes('?') ? '&' : '?';
  return `${base}${sep}token=${encodeURIComponent(token)}`;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The `token` query parameter of a socket URL (the token the connection authenticated with). */
export function tokenOfUrl(url: string): string | null {
  try {
    return new URL(url).searchParams.get('token');
  } catch {
    return null;
  }
}

export interface PortalSocketOptions {
  /**
   * Full URL including the token (see buildWsUrl), or a function giving it, called before
   * every connect so a reconnect uses the current (fresh) token. A rejected promise counts
   * as a failed attempt (backoff, then try again).
   */
  url: string | (() => string | Promise<string>);
  createSocket?: SocketFactory;
  backoff?: Partial<BackoffOptions>;
  /** Send `{"action":"ping"}` this often while open (0 disables). */
  pingIntervalMs?: number;
  /** Without any frame this long after a ping, the connection is considered dead. */
  pongTimeoutMs?: number;
  /**
   * A socket that (re)connected mid-turn gets that turn's chunks by sending `resume`: the server
   * replays what was missed and keeps the socket on the live stream. Each `resume` registers
   * one more subscriber server-side (capped: `too_many_resumes`), so it is repeated only when
   * an orphaned turn stayed silent for a whole period of this length (resume frame lost).
   */
  resumeRepeatMs?: number;
  random?: () => number;
  timers?: Timers;
}

type Listener<T> = (value: T) => void;

export class PortalSocket {
  readonly turns = new TurnAssembler();
  private ws: SocketLike | null = null;
  private _status: ConnectionStatus = 'idle';
  private _generation = 0;
  private attempt = 0;
  private stopped = true;
  /** Resolving the URL (fresh token) before creating the socket. */
  private opening = false;
  /** The token this connection is authenticated with (URL `token`, then `auth` frames). */
  private authToken: string | null = null;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private pongTimer: unknown = null;
  private resumeTimer: unknown = null;
  /** Orphaned turns that sent something since the last repeat check (no resume needed). */
  private readonly heard = new Set<string>();
  /** Turns the server refused to resume (`not_found`, `turn_expired`): REST finishes them. */
  private readonly unresumable = new Set<string>();
  /** turn_id -> socket generation when the UI started waiting for it. */
  private readonly turnGeneration = new Map<string, number>();
  /** turn_id -> after_seq of the last gap-triggered resume (avoid asking twice). */
  private gapResumes = new Map<string, number>();
  private readonly statusListeners = new Set<Listener<ConnectionStatus>>();
  private readonly eventListeners = new Set<Listener<ServerEvent>>();
  private readonly turnListeners = new Set<Listener<TurnState>>();
  private readonly createSocket: SocketFactory;
  private readonly backoff: BackoffOptions;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly resumeRepeatMs: number;
  private readonly random: () => number;
  private readonly timers: Timers;

  constructor(private readonly opts: PortalSocketOptions) {
    this.createSocket =
      opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.pingIntervalMs = opts.pingIntervalMs ?? 30_000;
    this.pongTimeoutMs = opts.pongTimeoutMs ?? 10_000;
    this.resumeRepeatMs = opts.resumeRepeatMs ?? 10_000;
    this.random = opts.random ?? Math.random;
    this.timers = opts.timers ?? realTimers;
  }

  get status(): ConnectionStatus {
    return this._status;
  }

  /** Increments on every successful open; lets callers detect "a reconnect happened since". */
  get generation(): number {
    return this._generation;
  }

  get isOpen(): boolean {
    return this._status === 'open' && !!this.ws && this.ws.readyState === WS_OPEN;
  }

  onStatus(cb: Listener<ConnectionStatus>): () => void {
    this.statusListeners.add(cb);
    return () => this.statusListeners.delete(cb);
  }

  onEvent(cb: Listener<ServerEvent>): () => void {
    this.eventListeners.add(cb);
    return () => this.eventListeners.delete(cb);
  }

  /** Called whenever a turn's assembled state changes (chunk applied, done, error). */
  onTurn(cb: Listener<TurnState>): () => void {
    this.turnListeners.add(cb);
    return () => this.turnListeners.delete(cb);
  }

  connect(): void {
    this.stopped = false;
    if (this.ws || this.opening) return;
    this.open();
  }

  /**
   * The app's token changed (silent refresh): re-authenticate the open connection with
   * `{"action":"auth"}` so the server does not close it at the old token's expiry. A closed
   * or connecting socket needs nothing: its next connect takes the current token.
   */
  authenticate(token: string): boolean {
    if (!this.isOpen || token === this.authToken) return false;
    if (!this.send({ action: 'auth', token })) return false;
    this.authToken = token;
    return true;
  }

  /** Close for good (logout / unmount): no reconnect. */
  close(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
      try {
        ws.close(1000, 'client closing');
      } catch {
        /* already closed */
      }
    }
    this.setStatus('closed');
  }

  /** Skip the backoff wait (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.isOpen) return;
    if (this.reconnectTimer !== null) {
      this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    if (!this.ws && !this.opening) this.open();
  }

  send(action: ClientAction): boolean {
    if (!this.ws || this.ws.readyState !== WS_OPEN) return false;
    try {
      this.ws.send(JSON.stringify(action));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Start waiting for a turn (after its POST returned 202). If the socket reconnected since
   * `sinceGeneration` (chunks may have been sent to a dead connection), ask for a replay now;
   * otherwise a replay happens automatically on the next reconnect.
   */
  trackTurn(turnId: string, sinceGeneration?: number): TurnState {
    const state = this.turns.track(turnId);
    const since = sinceGeneration ?? this._generation;
    this.turnGeneration.set(turnId, since);
    if (this.isOpen && since !== this._generation) {
      this.send({ action: 'resume', turn_id: turnId, after_seq: state.lastSeq });
    }
    this.scheduleResumeRepeat();
    return state;
  }

  /**
   * True when the connection changed after the turn started: live chunks and `done` may not
   * reach this socket, so the turn is followed by repeated `resume` (and the app checks REST).
   */
  isOrphaned(turnId: string): boolean {
    const since = this.turnGeneration.get(turnId);
    return since !== undefined && since !== this._generation;
  }

  forgetTurn(turnId: string): void {
    this.turns.forget(turnId);
    this.heard.delete(turnId);
    this.unresumable.delete(turnId);
    this.turnGeneration.delete(turnId);
    this.gapResumes.delete(turnId);
  }

  /** Feed one raw frame (exposed for tests; the socket's onmessage calls it). */
  handleFrame(data: unknown): void {
    this.armPongDeadline(false);
    for (const ev of parseServerFrame(data)) this.dispatch(ev);
  }

  // ---- internals ----

  private dispatch(ev: ServerEvent): void {
    switch (ev.type) {
      case 'chunk': {
        const result = this.turns.applyChunk(ev);
        this.heard.add(ev.turn_id);
        if (result === 'applied' || result === 'buffered') {
          const st = this.turns.get(ev.turn_id);
          if (st) {
            this.emitTurn(st);
            if (st.hasGap) this.requestGapResume(st);
            else this.gapResumes.delete(st.turnId);
          }
        }
        break;
      }
      case 'done':
        this.turns.applyDone(ev);
        this.gapResumes.delete(ev.turn_id);
        this.emitTurnById(ev.turn_id);
        break;
      case 'error':
        if (ev.action) {
          // About one of our frames, not the turn itself: a refused `resume` must not fail
          // the turn (its answer may well be stored; the app checks over REST).
          if (ev.action === 'resume' && ev.turn_id && ev.code !== 'too_many_resumes') {
            this.unresumable.add(ev.turn_id);
          }
          // A refused re-auth leaves the connection on a dying token: start over on a fresh one.
          if (ev.action === 'auth') {
            this.authToken = null;
            this.reconnectWithFreshToken();
          }
        } else if (ev.turn_id) {
          this.turns.applyError(ev);
          this.gapResumes.delete(ev.turn_id);
          this.emitTurnById(ev.turn_id);
        }
        break;
      case 'auth_expired':
        // The server closes this socket: reconnect now (fresh token) and `resume` from there.
        this.reconnectWithFreshToken();
        break;
      default:
        break;
    }
    for (const cb of [...this.eventListeners]) cb(ev);
  }

  /** Drop this connection and open a new one right away (its URL carries the current token). */
  private reconnectWithFreshToken(): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
    try {
      ws.close(1000, 'token expired');
    } catch {
      /* already closed */
    }
    this.stopPing();
    if (this.stopped) return;
    this.setStatus('reconnecting');
    this.open();
  }

  private requestGapResume(st: TurnState): void {
    if (this.gapResumes.get(st.turnId) === st.lastSeq) return;
    if (this.send({ action: 'resume', turn_id: st.turnId, after_seq: st.lastSeq })) {
      this.gapResumes.set(st.turnId, st.lastSeq);
    }
  }

  private emitTurnById(turnId: string): void {
    const st = this.turns.get(turnId);
    if (st) this.emitTurn(st);
  }

  private emitTurn(st: TurnState): void {
    for (const cb of [...this.turnListeners]) cb(st);
  }

  private setStatus(s: ConnectionStatus): void {
    if (s === this._status) return;
    this._status = s;
    for (const cb of [...this.statusListeners]) cb(s);
  }

  private open(): void {
    this.setStatus(this._generation === 0 && this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = this.opts.url;
    if (typeof url === 'string') {
      this.openUrl(url);
      return;
    }
    this.opening = true;
    let pending: string | Promise<string>;
    try {
      pending = url();
    } catch {
      this.opening = false;
      this.scheduleReconnect();
      return;
    }
    Promise.resolve(pending).then(
      (resolved) => {
        this.opening = false;
        if (!this.stopped && !this.ws) this.openUrl(resolved);
      },
      () => {
        this.opening = false;
        this.scheduleReconnect();
      },
    );
  }

  private openUrl(url: string): void {
    let ws: SocketLike;
    try {
      ws = this.createSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.authToken = tokenOfUrl(url);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this._generation += 1;
      this.gapResumes.clear();
      this.heard.clear();
      this.setStatus('open');
      // Replay whatever in-flight turns missed while we were away.
      for (const t of this.turns.inFlight()) {
        this.send({ action: 'resume', turn_id: t.turnId, after_seq: t.lastSeq });
      }
      this.startPing();
      this.scheduleResumeRepeat();
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.handleFrame(ev.data);
    };
    ws.onerror = () => {
      /* onclose follows and handles the reconnect */
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      if (this.stopped) {
        this.setStatus('closed');
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt, this.backoff, this.random);
    this.attempt += 1;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped && !this.ws && !this.opening) this.open();
    }, delay);
  }

  private orphanedInFlight(): TurnState[] {
    return this.turns.inFlight().filter((t) => this.isOrphaned(t.turnId) && !this.unresumable.has(t.turnId));
  }

  private scheduleResumeRepeat(): void {
    if (this.resumeTimer !== null || this.resumeRepeatMs <= 0 || !this.isOpen) return;
    if (this.orphanedInFlight().length === 0) return;
    this.resumeTimer = this.timers.setTimeout(() => {
      this.resumeTimer = null;
      if (!this.isOpen) return;
      for (const t of this.orphanedInFlight()) {
        // Chunks arrived during the period: the subscription works, do not register again.
        if (this.heard.delete(t.turnId)) continue;
        this.send({ action: 'resume', turn_id: t.turnId, after_seq: t.lastSeq });
      }
      this.scheduleResumeRepeat();
    }, this.resumeRepeatMs);
  }

  private startPing(): void {
    this.stopPing();
    if (this.pingIntervalMs <= 0) return;
    const tick = () => {
      this.pingTimer = this.timers.setTimeout(() => {
        if (this.send({ action: 'ping' })) this.armPongDeadline(true);
        tick();
      }, this.pingIntervalMs);
    };
    tick();
  }

  /** arm=true: start the deadline after a ping; arm=false: any frame proves liveness. */
  private armPongDeadline(arm: boolean): void {
    if (this.pongTimer !== null) {
      this.timers.clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
    if (!arm || this.pongTimeoutMs <= 0) return;
    const ws = this.ws;
    this.pongTimer = this.timers.setTimeout(() => {
      this.pongTimer = null;
      if (ws && this.ws === ws) {
        // Half-open connection: drop it and go through the normal reconnect path.
        this.ws = null;
        ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
        try {
          ws.close(4000, 'pong timeout');
        } catch {
          /* ignore */
        }
        this.stopPing();
        this.scheduleReconnect();
      }
    }, this.pongTimeoutMs);
  }

  private stopPing(): void {
    if (this.resumeTimer !== null) {
      this.timers.clearTimeout(this.resumeTimer);
      this.resumeTimer = null;
    }
    if (this.pingTimer !== null) {
      this.timers.clearTimeout(this.pingTimer);
      this.pingTimer = null;
    }
    if (this.pongTimer !== null) {
      this.timers.clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
  }

  private clearTimers(): void {
    this.stopPing();
    if (this.reconnectTimer !== null) {
      this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }
}
