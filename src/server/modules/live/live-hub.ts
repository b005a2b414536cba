import type { WebSocket } from 'ws';
import type { DeviceEvent } from '../../../shared/events.ts';
import { LIVE_CLOSE_SESSION_ENDED, type DeviceStatusChange, type LiveMessage } from '../../../shared/live.ts';
import { presentEvent } from '../../../shared/personal-data.ts';
import type { Bus } from '../../bus/event-bus.ts';
import { can, scopeOf, type Actor } from '../../http/policy.ts';

/** Above this many bytes queued for one browser, its messages are dropped and counted instead. */
const HIGH_WATER = 1 << 20;

interface LiveClient {
  socket: WebSocket;
  userId: string;
  /** The login session the socket was opened with; it closes when that session ends. */
  sessionHash: string | null;
  scope: string | null;
  seesEvents: boolean;
  seesAlarms: boolean;
  missed: number;
}

export type { LiveMessage };

/**
 * Pushes committed events and device status changes to the browsers of the right university.
 * A send never waits: a browser that reads too slowly loses messages, not the ingest path's
 * time, and is told how many it missed once it catches up.
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private pendingStatus: DeviceStatusChange[] = [];
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly missedTimer: NodeJS.Timeout;
  readonly stats = { sent: 0, dropped: 0 };

  constructor(bus: Bus) {
    // A browser that caught up hears about what it missed even if nothing new happens.
    this.missedTimer = setInterval(() => this.tellMissed(), 1000);
    this.missedTimer.unref();
    bus.subscribe('events.committed', (events) => this.onEvents(events));
    // A guard's phone hears about its own dispatches at once.
    bus.subscribe('dispatches.changed', (changes) => {
      for (const client of this.clients) {
        const mine = changes.filter((c) => c.guardId === client.userId).map(({ dispatchId, change }) => ({ dispatchId, change }));
        if (mine.length) this.send(client, JSON.stringify({ type: 'dispatches', changes: mine } satisfies LiveMessage), mine.length);
      }
    });
    // Alarm changes are small and urgent: sent at once, never batched with events.
    bus.subscribe('alarms.changed', (changes) => {
      for (const client of this.clients) {
        if (!client.seesAlarms) continue;
        const mine = changes.filter((c) => client.scope === null || c.universityId === client.scope).map(({ alarmId, change }) => ({ alarmId, change }));
        if (mine.length) this.send(client, JSON.stringify({ type: 'alarms', changes: mine } satisfies LiveMessage), mine.length);
      }
    });
    // What a socket may see was fixed when it opened: when its session ends (logout, account
    // disabled, role or university changed, password changed) it closes, and a reconnect is asked to log in.
    bus.subscribe('accounts.sessions_ended', ({ userId, tokenHash, reason }) => {
      for (const client of this.clients) {
        if (client.userId !== userId || (tokenHash && client.sessionHash !== tokenHash)) continue;
        this.clients.delete(client);
        client.socket.close(LIVE_CLOSE_SESSION_ENDED, `session ended: ${reason}`);
      }
    });
    // Status changes come in bursts (a campus switch going down); send them in batches.
    bus.subscribe('device.status_changed', (change) => {
      this.pendingStatus.push(change);
      this.statusTimer ??= setTimeout(() => this.flushStatus(), 200);
    });
  }

  get size() {
    return this.clients.size;
  }

  add(socket: WebSocket, actor: Actor, sessionHash: string | null = null) {
    const client: LiveClient = { socket, userId: actor.id, sessionHash, scope: scopeOf(actor), seesEvents: can(actor, 'event.read'), seesAlarms: can(actor, 'alarm.read'), missed: 0 };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    this.send(client, JSON.stringify({ type: 'hello', at: new Date().toISOString() } satisfies LiveMessage), 0);
  }

  private onEvents(committed: DeviceEvent[]) {
    if (!this.clients.size) return;
    const events = committed.map(presentEvent);
    // Serialize once per university, not once per browser.
    const byUniversity = new Map<string, DeviceEvent[]>();
    for (const e of events) {
      const list = byUniversity.get(e.orgId);
      if (list) list.push(e);
      else byUniversity.set(e.orgId, [e]);
    }
    const frames = new Map<string, string>();
    for (const client of this.clients) {
      if (!client.seesEvents) continue;
      if (client.scope === null) {
        this.send(client, (frames.get('*') ?? frames.set('*', JSON.stringify({ type: 'events', events } satisfies LiveMessage)).get('*'))!, events.length);
        continue;
      }
      const mine = byUniversity.get(client.scope);
      if (!mine) continue;
      let frame = frames.get(client.scope);
      if (!frame) frames.set(client.scope, (frame = JSON.stringify({ type: 'events', events: mine } satisfies LiveMessage)));
      this.send(client, frame, mine.length);
    }
  }

  private flushStatus() {
    this.statusTimer = null;
    const changes = this.pendingStatus;
    this.pendingStatus = [];
    for (const client of this.clients) {
      const mine = client.scope === null ? changes : changes.filter((c) => c.universityId === client.scope);
      if (mine.length) this.send(client, JSON.stringify({ type: 'status', changes: mine } satisfies LiveMessage), mine.length);
    }
  }

  private send(client: LiveClient, frame: string, count: number) {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > HIGH_WATER) {
      client.missed += count;
      this.stats.dropped += count;
      return;
    }
    this.sendMissed(client);
    socket.send(frame);
    this.stats.sent += count;
  }

  private sendMissed(client: LiveClient) {
    if (!client.missed) return;
    client.socket.send(JSON.stringify({ type: 'missed', count: client.missed, hint: 'reload' } satisfies LiveMessage));
    client.missed = 0;
  }

  private tellMissed() {
    for (const c of this.clients) if (c.missed && c.socket.readyState === c.socket.OPEN && c.socket.bufferedAmount <= HIGH_WATER) this.sendMissed(c);
  }

  close() {
    clearInterval(this.missedTimer);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    this.clients.clear();
  }
}
