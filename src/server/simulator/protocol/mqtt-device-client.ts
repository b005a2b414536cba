/**
 * A light MQTT 3.1.1 device connection: one TCP socket and one `mqtt-packet` parser per device,
 * no mqtt.js client, no per-device timers while connected (one shared ticker handles keepalive
 * and acknowledgement timeouts for every connection), so thousands of simulated devices fit in
 * one process.
 *
 * The device logs in with username = device id and password = its secret (xiaoan's broker),
 * publishes on `xiaoan/<university>/<device>/events|heartbeat`, and subscribes to its own
 * `…/commands` topic. A QoS 1 publish resolves when the PUBACK arrives — on xiaoan's broker that
 * is after the event is committed. Lost connections are re-established with exponential backoff;
 * QoS 1 messages not yet acknowledged are sent again (DUP) after the reconnect.
 */
import { connect as netConnect, type Socket } from 'node:net';
import mqttPacket, { type IConnackPacket, type IPublishPacket, type ISubackPacket, type Packet, type Parser } from 'mqtt-packet';
import type { IngestEnvelopeT } from '../../../shared/events.ts';

export interface MqttDeviceClientOptions {
  /** mqtt://host:port of the broker. */
  url: string;
  deviceId: string;
  secret: string;
  universityId: string;
  /** Seconds; a PINGREQ goes out when nothing else was sent for that long. Default 60. */
  keepaliveS?: number;
  connectTimeoutMs?: number;
  /** A QoS 1 publish not acknowledged within this time is rejected. Default 30 s. */
  ackTimeoutMs?: number;
  /** Reconnect after a lost connection (default on): backoff from minMs doubling up to maxMs, with jitter. */
  reconnect?: boolean | { minMs?: number; maxMs?: number };
  /** Subscribe to the device's commands topic after connecting (default on). */
  subscribeCommands?: boolean;
  /** QoS 1 messages kept while disconnected, sent after the reconnect. Default 1000. */
  maxQueued?: number;
  /** A command from the platform (payload parsed as JSON when it is JSON). */
  onCommand?: (command: unknown, raw: Buffer, client: MqttDeviceClient) => void;
  onConnect?: (client: MqttDeviceClient) => void;
  /** The connection was lost or refused; `err` says why when known. */
  onDisconnect?: (client: MqttDeviceClient, err: Error | null) => void;
}

/** CONNACK refusal: 4 = bad username or password, 5 = not authorized, 3 = server unavailable. */
export class MqttConnectError extends Error {
  constructor(
    message: string,
    readonly returnCode: number | null,
  ) {
    super(message);
  }
}

type State = 'idle' | 'connecting' | 'connected' | 'waiting' | 'suspended' | 'closed';

interface Inflight {
  topic: string;
  payload: Buffer;
  resolve(): void;
  reject(err: Error): void;
  /** When it was (last) written; 0 = queued, not yet sent on this connection. */
  sentAt: number;
  dup: boolean;
}

// ---- one ticker for all connections -------------------------------------------------------------

const live = new Set<MqttDeviceClient>();
let ticker: NodeJS.Timeout | null = null;

function track(c: MqttDeviceClient) {
  live.add(c);
  if (!ticker) {
    ticker = setInterval(() => {
      const now = Date.now();
      for (const client of live) client.tick(now);
    }, 1000);
    ticker.unref();
  }
}

function untrack(c: MqttDeviceClient) {
  live.delete(c);
  if (!live.size && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}

const PINGREQ = mqttPacket.generate({ cmd: 'pingreq' });
const DISCONNECT = mqttPacket.generate({ cmd: 'disconnect' });

function parseUrl(url: string): { host: string; port: number } {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') throw new Error(`unsupported broker URL ${url} (mqtt://host:port)`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: u.port ? Number(u.port) : 1883 };
}

export class MqttDeviceClient {
  readonly deviceId: string;
  readonly topics: { events: string; heartbeat: string; access: string; commands: string };
  /** Counters for this connection (small on purpose). */
  readonly stats = { connects: 0, disconnects: 0, refused: 0, published: 0, acked: 0, commands: 0, pings: 0 };
  lastError: Error | null = null;

  private readonly opts: MqttDeviceClientOptions;
  private readonly host: string;
  private readonly port: number;
  private readonly keepaliveMs: number;
  private state: State = 'idle';
  private socket: Socket | null = null;
  private parser: Parser | null = null;
  private inflight: Map<number, Inflight> | null = null;
  private nextId = 0;
  private lastWrite = 0;
  private pingSentAt = 0;
  private connectStarted = 0;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private waiters: { resolve(): void; reject(err: Error): void }[] = [];

  constructor(opts: MqttDeviceClientOptions) {
    this.opts = opts;
    this.deviceId = opts.deviceId;
    const base = `xiaoan/${opts.universityId}/${opts.deviceId}/`;
    this.topics = { events: base + 'events', heartbeat: base + 'heartbeat', access: base + 'access', commands: base + 'commands' };
    ({ host: this.host, port: this.port } = parseUrl(opts.url));
    this.keepaliveMs = (opts.keepaliveS ?? 60) * 1000;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  get status(): State {
    return this.state;
  }

  /** QoS 1 messages waiting for their PUBACK (or for a connection). */
  get pending(): number {
    return this.inflight?.size ?? 0;
  }

  /**
   * Connects; resolves on the first accepted CONNACK and rejects when that first attempt fails
   * (refused, timed out, socket error). With reconnect on, it keeps trying in the background.
   */
  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new Error('client closed'));
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.state === 'idle' || this.state === 'suspended') {
      this.state = 'idle';
      this.open();
    }
    return p;
  }

  /** Publishes one message. QoS 1 resolves on PUBACK; QoS 0 resolves once written. */
  publish(topic: string, payload: Buffer | string, qos: 0 | 1 = 1): Promise<void> {
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (qos === 0) {
      if (this.state !== 'connected' || !this.socket) return Promise.reject(new Error('not connected'));
      this.write(mqttPacket.generate({ cmd: 'publish', topic, payload: body, qos: 0, retain: false, dup: false }));
      this.stats.published++;
      return Promise.resolve();
    }
    if (this.state === 'closed' || this.state === 'suspended') return Promise.reject(new Error(`not connected (${this.state})`));
    const inflight = (this.inflight ??= new Map());
    if (inflight.size >= (this.opts.maxQueued ?? 1000)) return Promise.reject(new Error('too many messages waiting for PUBACK'));
    return new Promise<void>((resolve, reject) => {
      const messageId = this.allocateId();
      const entry: Inflight = { topic, payload: body, resolve, reject, sentAt: 0, dup: false };
      inflight.set(messageId, entry);
      if (this.state === 'connected') this.send(messageId, entry);
    });
  }

  /** One event on the device's events topic (QoS 1 by default). */
  publishEvent(envelope: IngestEnvelopeT, qos: 0 | 1 = 1): Promise<void> {
    return this.publish(this.topics.events, JSON.stringify(envelope), qos);
  }

  /** A door controller's question at a swipe (在线验证); the answer comes as an `access.decision` command. */
  publishAccessRequest(request: { requestId: string; credentialType: string; credentialId: string; direction?: string }): Promise<void> {
    return this.publish(this.topics.access, JSON.stringify(request), 1);
  }

  /** A heartbeat on the device's heartbeat topic (QoS 0 by default). */
  publishHeartbeat(payload: object = {}, qos: 0 | 1 = 0): Promise<void> {
    return this.publish(this.topics.heartbeat, JSON.stringify(payload), qos);
  }

  /** Simulated power or network loss: the socket drops without DISCONNECT and stays down until resume(). */
  suspend(): void {
    if (this.state === 'closed') return;
    this.state = 'suspended';
    this.clearRetry();
    this.failInflight(new Error('device suspended'));
    this.socket?.destroy();
  }

  /** Back from suspend(): connects again now. */
  resume(): Promise<void> {
    if (this.state !== 'suspended') return this.connect();
    this.attempt = 0;
    return this.connect();
  }

  /** Clean shutdown: DISCONNECT, close the socket, reject whatever still waits for a PUBACK. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.clearRetry();
    untrack(this);
    this.failInflight(new Error('client closed'));
    this.rejectWaiters(new Error('client closed'));
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (wasConnected) socket.end(DISCONNECT);
      else socket.destroy();
    });
  }

  // ---- internals --------------------------------------------------------------------------------

  private allocateId(): number {
    for (let i = 0; i < 65535; i++) {
      this.nextId = (this.nextId % 65535) + 1;
      if (!this.inflight?.has(this.nextId)) return this.nextId;
    }
    throw new Error('no free MQTT message id');
  }

  private write(buf: Buffer) {
    this.lastWrite = Date.now();
    this.socket!.write(buf);
  }

  private send(messageId: number, e: Inflight) {
    e.sentAt = Date.now();
    this.write(mqttPacket.generate({ cmd: 'publish', topic: e.topic, payload: e.payload, qos: 1, messageId, retain: false, dup: e.dup }));
    e.dup = true; // any later send of this message is a redelivery
    this.stats.published++;
  }

  private open() {
    this.state = 'connecting';
    this.connectStarted = Date.now();
    this.pingSentAt = 0;
    track(this);
    const socket = netConnect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    this.socket = socket;
    this.parser = parser;
    parser.on('packet', (p: Packet) => this.onPacket(p));
    parser.on('error', (err: Error) => socket.destroy(err));
    socket.on('connect', () => {
      this.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          clientId: this.opts.deviceId,
          keepalive: Math.round(this.keepaliveMs / 1000),
          username: this.opts.deviceId,
          password: Buffer.from(this.opts.secret),
        }),
      );
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', (err) => {
      this.lastError = err;
    });
    socket.on('close', () => this.onClose(socket));
  }

  private onPacket(p: Packet) {
    switch (p.cmd) {
      case 'connack':
        return this.onConnack(p as IConnackPacket);
      case 'puback': {
        const e = p.messageId !== undefined ? this.inflight?.get(p.messageId) : undefined;
        if (!e) return;
        this.inflight!.delete(p.messageId!);
        this.stats.acked++;
        e.resolve();
        return;
      }
      case 'pingresp':
        this.pingSentAt = 0;
        return;
      case 'suback': {
        const granted = (p as ISubackPacket).granted as (number | { qos: number })[];
        if (granted.some((g) => (typeof g === 'number' ? g : g.qos) === 128)) this.lastError = new Error('subscription to the commands topic refused');
        return;
      }
      case 'publish':
        return this.onCommand(p as IPublishPacket);
    }
  }

  private onConnack(p: IConnackPacket) {
    const code = p.returnCode ?? p.reasonCode ?? 0;
    if (code !== 0) {
      this.stats.refused++;
      const err = new MqttConnectError(`broker refused the connection of ${this.deviceId} (return code ${code})`, code);
      this.lastError = err;
      this.rejectWaiters(err);
      this.socket?.destroy();
      return;
    }
    this.state = 'connected';
    this.attempt = 0;
    this.stats.connects++;
    if (this.opts.subscribeCommands !== false) {
      this.write(mqttPacket.generate({ cmd: 'subscribe', messageId: this.allocateSubscribeId(), subscriptions: [{ topic: this.topics.commands, qos: 1 }] }));
    }
    // Messages queued while disconnected (or unacknowledged on the lost connection) go out again.
    if (this.inflight) for (const [id, e] of this.inflight) this.send(id, e);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
    this.opts.onConnect?.(this);
  }

  /** SUBSCRIBE ids share the space of publish ids; one not in flight is enough. */
  private allocateSubscribeId(): number {
    return this.allocateId();
  }

  private onCommand(p: IPublishPacket) {
    if (p.qos === 1 && p.messageId !== undefined) this.write(mqttPacket.generate({ cmd: 'puback', messageId: p.messageId }));
    this.stats.commands++;
    const raw = Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload);
    let command: unknown = raw.toString('utf8');
    try {
      command = JSON.parse(command as string);
    } catch {
      // not JSON: handed over as text
    }
    this.opts.onCommand?.(command, raw, this);
  }

  private onClose(socket: Socket) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.parser?.removeAllListeners();
    this.parser = null;
    const wasConnected = this.state === 'connected';
    if (wasConnected) this.stats.disconnects++;
    if (this.state === 'connecting') this.rejectWaiters(this.lastError ?? new Error(`connection to ${this.host}:${this.port} closed before CONNACK`));
    if (wasConnected || this.state === 'connecting') this.opts.onDisconnect?.(this, this.lastError);
    // Unacknowledged messages will be sent again on the next connection.
    if (this.inflight) for (const e of this.inflight.values()) e.sentAt = 0;
    if (this.state === 'closed' || this.state === 'suspended') return;
    const r = this.opts.reconnect ?? true;
    if (r === false) {
      this.state = 'idle';
      untrack(this);
      this.failInflight(new Error('connection lost'));
      return;
    }
    const minMs = (typeof r === 'object' && r.minMs) || 1000;
    const maxMs = (typeof r === 'object' && r.maxMs) || 60_000;
    // Refused credentials will not fix themselves quickly: wait at least the longest, then longer (up to 5 min).
    const refused = this.lastError instanceof MqttConnectError && (this.lastError.returnCode === 4 || this.lastError.returnCode === 5);
    const delay = refused ? Math.max(maxMs, Math.min(300_000, maxMs * 2 ** Math.min(this.attempt, 4))) : Math.min(maxMs, minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 20);
    this.state = 'waiting';
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        if (this.state === 'waiting') this.open();
      },
      delay * (0.5 + Math.random() * 0.5),
    );
    this.retryTimer.unref();
  }

  /** Called once a second by the shared ticker. */
  tick(now: number) {
    if (this.state === 'connecting') {
      if (now - this.connectStarted > (this.opts.connectTimeoutMs ?? 10_000)) {
        this.lastError = new Error(`no CONNACK from ${this.host}:${this.port} within ${this.opts.connectTimeoutMs ?? 10_000} ms`);
        this.socket?.destroy();
      }
      return;
    }
    if (this.state !== 'connected') return;
    if (this.pingSentAt && now - this.pingSentAt > Math.max(5000, this.keepaliveMs / 2)) {
      this.lastError = new Error('no PINGRESP: connection presumed dead');
      this.socket?.destroy();
      return;
    }
    if (!this.pingSentAt && now - this.lastWrite >= this.keepaliveMs - 1000) {
      this.pingSentAt = now;
      this.stats.pings++;
      this.write(PINGREQ);
    }
    if (this.inflight?.size) {
      const limit = this.opts.ackTimeoutMs ?? 30_000;
      for (const [id, e] of this.inflight) {
        if (e.sentAt && now - e.sentAt > limit) {
          this.inflight.delete(id);
          e.reject(new Error(`no PUBACK within ${limit} ms`));
        }
      }
    }
  }

  private failInflight(err: Error) {
    if (!this.inflight?.size) return;
    const entries = [...this.inflight.values()];
    this.inflight.clear();
    for (const e of entries) e.reject(err);
  }

  private rejectWaiters(err: Error) {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
  }

  private clearRetry() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
