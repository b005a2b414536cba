/**
 * The one WebSocket of the console to `/api/live` (same origin, session cookie). It reconnects
 * with backoff, hands the server's messages to subscribers, and keeps the state the banner
 * shows: connected or not, and how many events the server had to drop for this browser.
 *
 * No React here: LiveProvider owns one instance per logged-in session.
 */
import type { DeviceEvent } from '../../shared/events.ts';
import { LIVE_CLOSE_SESSION_ENDED, type DeviceStatusChange, type LiveMessage, type LiveMessageOf, type LiveMessageType } from '../../shared/live.ts';

export type { DeviceStatusChange, LiveMessage, LiveMessageOf, LiveMessageType };

export interface LiveState {
  /** connecting: first attempt; open: hello received; down: closed, a retry is scheduled. */
  phase: 'connecting' | 'open' | 'down' | 'stopped';
  /** Failed attempts since the last successful connection. */
  attempts: number;
  /** When the next attempt starts (epoch ms), while down. */
  retryAt: number | null;
  /** Since when the connection has been down (epoch ms), while not open. */
  downSince: number | null;
  /** Events the server dropped for this browser and that were not re-read yet. */
  missed: number;
}

/**
 * Why subscribers should re-read state from the HTTP API: after a reconnection (whatever
 * happened meanwhile was not pushed) or when the user asks after missed events.
 */
export type ResyncReason = 'reconnected' | 'missed';

/** The part of the browser's WebSocket this class uses (a fake in unit tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface LiveConnectionOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Delay before attempt n (1-based) after a failure, in ms. */
  backoff?: (attempt: number) => number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** The server closed the socket because the login session ended: log in again instead of retrying. */
  onSessionEnded?: () => void;
}

const BACKOFF_STEPS_MS = [1000, 2000, 5000, 10_000, 20_000, 30_000];

/** 1 s, 2 s, 5 s, 10 s, 20 s, then every 30 s, each ±20 % so browsers do not reconnect in step. */
export function defaultBackoff(attempt: number, random = Math.random): number {
  const base = BACKOFF_STEPS_MS[Math.min(attempt, BACKOFF_STEPS_MS.length) - 1] ?? 1000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** `ws://host/api/live` or `wss://…` for the page's own origin. */
export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`;
}

type Listener<T> = (value: T) => void;

export class LiveConnection {
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private stopped = true;
  private everOpened = false;
  private state: LiveState = { phase: 'stopped', attempts: 0, retryAt: null, downSince: null, missed: 0 };
  private readonly eventListeners = new Set<Listener<DeviceEvent[]>>();
  private readonly statusListeners = new Set<Listener<DeviceStatusChange[]>>();
  private readonly stateListeners = new Set<Listener<LiveState>>();
  private readonly resyncListeners = new Set<Listener<ResyncReason>>();
  private readonly messageListeners = new Map<LiveMessageType, Set<Listener<LiveMessage>>>();
  private readonly opts: Required<LiveConnectionOptions>;
  /** Messages received, by type (diagnostics and tests). */
  readonly received = { events: 0, status: 0, missed: 0 };

  constructor(opts: LiveConnectionOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      onSessionEnded: () => {},
      backoff: (n) => defaultBackoff(n),
      now: () => Date.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...opts,
    };
  }

  getState(): LiveState {
    return this.state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.everOpened = false;
    this.setState({ phase: 'connecting', attempts: 0, retryAt: null, downSince: this.opts.now() });
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearRetry();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      s.close(1000, 'bye');
    }
    this.setState({ phase: 'stopped', retryAt: null });
  }

  /** Try again at once (the user pressed "reconnect", or the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.state.phase === 'open' || this.socket) return;
    this.clearRetry();
    this.connect();
  }

  /** Subscribers re-read from the API; the missed counter starts again from zero. */
  resync(reason: ResyncReason = 'missed'): void {
    this.setState({ missed: 0 });
    for (const l of this.resyncListeners) l(reason);
  }

  onEvents(listener: Listener<DeviceEvent[]>): () => void {
    return add(this.eventListeners, listener);
  }

  onStatus(listener: Listener<DeviceStatusChange[]>): () => void {
    return add(this.statusListeners, listener);
  }

  onState(listener: Listener<LiveState>): () => void {
    return add(this.stateListeners, listener);
  }

  onResync(listener: Listener<ResyncReason>): () => void {
    return add(this.resyncListeners, listener);
  }

  /**
   * Every message of one type as the server sent it: for message types this class has no
   * typed subscription for (the alarm screens' `alarms`, for one), on the same connection.
   */
  onMessage<T extends LiveMessageType>(type: T, listener: Listener<LiveMessageOf<T>>): () => void {
    let set = this.messageListeners.get(type);
    if (!set) this.messageListeners.set(type, (set = new Set()));
    // The set holds the listeners of this one type, and only messages of it reach them.
    return add(set, listener as Listener<LiveMessage>);
  }

  private connect() {
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => this.handleMessage(ev.data);
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (ev.code === LIVE_CLOSE_SESSION_ENDED) {
        this.stop();
        this.opts.onSessionEnded();
        return;
      }
      this.scheduleRetry();
    };
    // An error is always followed by a close; the close decides.
    socket.onerror = () => {};
  }

  private handleMessage(data: unknown) {
    if (typeof data !== 'string') return;
    let msg: LiveMessage;
    try {
      msg = JSON.parse(data) as LiveMessage;
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    const generic = this.messageListeners.get(msg.type);
    if (generic) for (const l of generic) safely(l, msg);
    switch (msg.type) {
      case 'hello': {
        const reconnected = this.everOpened;
        this.everOpened = true;
        this.setState({ phase: 'open', attempts: 0, retryAt: null, downSince: null });
        if (reconnected) this.resync('reconnected');
        return;
      }
      case 'events':
        this.received.events++;
        if (Array.isArray(msg.events) && msg.events.length) for (const l of this.eventListeners) safely(l, msg.events);
        return;
      case 'status':
        this.received.status++;
        if (Array.isArray(msg.changes) && msg.changes.length) for (const l of this.statusListeners) safely(l, msg.changes);
        return;
      case 'missed':
        this.received.missed++;
        if (typeof msg.count === 'number' && msg.count > 0) this.setState({ missed: this.state.missed + msg.count });
        return;
    }
  }

  private scheduleRetry() {
    if (this.stopped) return;
    const attempts = this.state.attempts + 1;
    const delay = this.opts.backoff(attempts);
    const now = this.opts.now();
    this.setState({ phase: 'down', attempts, retryAt: now + delay, downSince: this.state.downSince ?? now });
    this.clearRetry();
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      if (!this.stopped && !this.socket) this.connect();
    }, delay);
  }

  private clearRetry() {
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
  }

  private setState(patch: Partial<LiveState>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.stateListeners) safely(l, this.state);
  }
}

function add<T>(set: Set<T>, item: T): () => void {
  set.add(item);
  return () => set.delete(item);
}

/** One subscriber's exception must not keep the others from their messages. */
function safely<T>(listener: Listener<T>, value: T) {
  try {
    listener(value);
  } catch (err) {
    console.error('live subscriber failed', err);
  }
}
