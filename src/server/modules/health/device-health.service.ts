import type { ModuleDb } from '../../store/tables.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { type Actor, listScope, scopeOf } from '../../http/policy.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';

interface Seen {
  universityId: string;
  lastSeenMs: number;
  online: boolean;
  dirty: boolean;
  /** The device's own silence window when its protocol sets one (GB/T 28181 keepalive × missed). */
  silenceMs?: number;
}

export interface HealthOptions {
  heartbeatIntervalS: number;
  offlineAfterMissed: number;
}

/**
 * Device liveness. Heartbeats and events mark a device seen (in memory, flushed in batches);
 * a sweep turns a device offline after the configured silence and records `device.went_offline`;
 * the next sign of life records `device.came_online`. Devices never seen are "unknown", not
 * offline, so a fresh ledger does not raise thousands of alarms.
 */
export class DeviceHealthService {
  private readonly seen = new Map<string, Seen>();
  private readonly startedMs: number;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly db: ModuleDb<'health'>,
    private readonly ledger: Pick<DevicesService, 'identities'>,
    private readonly writer: EventWriter,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly opts: HealthOptions,
  ) {
    this.startedMs = clock.now();
    bus.subscribe('events.committed', (events) => {
      // What the platform itself observed (its recorders included) is no sign of the device's life.
      for (const e of events) if (e.source !== 'platform' && e.source !== 'media' && e.source !== 'drill') this.markSeen(e.deviceId, e.orgId, Date.parse(e.receivedAt));
    });
  }

  get silenceMs() {
    return this.opts.heartbeatIntervalS * this.opts.offlineAfterMissed * 1000;
  }

  /** Loads the last known state; devices get one full window after a restart to show up again. */
  async load(): Promise<void> {
    const rows = await this.db.selectFrom('device_health').selectAll().execute();
    for (const r of rows) {
      const last = r.last_seen_at ? Date.parse(r.last_seen_at) : 0;
      this.seen.set(r.device_id, { universityId: r.university_id, lastSeenMs: r.online ? Math.max(last, this.startedMs) : last, online: r.online === 1, dirty: false });
    }
  }

  start(sweepEveryMs = Math.min(10_000, this.silenceMs / 3), flushEveryMs = 5_000, sampleEveryMs = 300_000) {
    const guard = (f: () => Promise<unknown>) => () => void f().catch((err) => console.error('device health job failed', err));
    this.timers.push(setInterval(guard(() => this.sweep()), sweepEveryMs));
    this.timers.push(setInterval(guard(() => this.flush()), flushEveryMs));
    this.timers.push(setInterval(guard(() => this.sample()), sampleEveryMs));
    for (const t of this.timers) t.unref();
  }

  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.flush();
  }

  /**
   * A heartbeat or any message from the device. `silenceMs` overrides the platform-wide window
   * for devices whose protocol announces its own keepalive interval.
   */
  markSeen(deviceId: string, universityId: string, atMs = this.clock.now(), silenceMs?: number) {
    const s = this.seen.get(deviceId);
    if (!s) {
      this.seen.set(deviceId, { universityId, lastSeenMs: atMs, online: true, dirty: true, silenceMs });
      this.changed(deviceId, universityId, true, atMs);
      return;
    }
    const previousMs = s.lastSeenMs;
    if (silenceMs !== undefined) s.silenceMs = silenceMs;
    if (atMs > s.lastSeenMs) s.lastSeenMs = atMs;
    s.dirty = true;
    if (!s.online) {
      const offlineS = Math.round((atMs - previousMs) / 1000);
      s.online = true;
      this.changed(deviceId, universityId, true, atMs);
      void this.record(deviceId, universityId, 'device.came_online', { offlineS: Math.max(0, offlineS) }, atMs);
    }
  }

  /** What is known now of a university's devices (never-seen devices are absent): online, and when last seen. */
  statesOf(universityId: string): { deviceId: string; online: boolean; lastSeenMs: number }[] {
    const out: { deviceId: string; online: boolean; lastSeenMs: number }[] = [];
    for (const [deviceId, s] of this.seen) if (s.universityId === universityId) out.push({ deviceId, online: s.online, lastSeenMs: s.lastSeenMs });
    return out;
  }

  /** Marks silent devices offline; returns how many went offline. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const wentOffline: Promise<unknown>[] = [];
    for (const [deviceId, s] of this.seen) {
      if (!s.online || now - s.lastSeenMs < (s.silenceMs ?? this.silenceMs)) continue;
      wentOffline.push(this.goOffline(deviceId, s, now));
    }
    await Promise.all(wentOffline);
    await this.flush();
    return wentOffline.length;
  }

  /** The device said it is leaving (a GB/T 28181 un-REGISTER): offline now, not after the silence. */
  async markGone(deviceId: string): Promise<void> {
    const s = this.seen.get(deviceId);
    if (!s?.online) return;
    await this.goOffline(deviceId, s, this.clock.now());
    await this.flush();
  }

  private goOffline(deviceId: string, s: Seen, now: number) {
    s.online = false;
    s.dirty = true;
    this.changed(deviceId, s.universityId, false, now);
    return this.record(deviceId, s.universityId, 'device.went_offline', { lastSeenAt: new Date(s.lastSeenMs).toISOString(), silenceS: Math.round((now - s.lastSeenMs) / 1000) }, now);
  }

  private changed(deviceId: string, universityId: string, online: boolean, atMs: number) {
    this.bus.publish('device.status_changed', { deviceId, universityId, online, at: new Date(atMs).toISOString() });
  }

  private record(deviceId: string, universityId: string, kind: 'device.went_offline' | 'device.came_online', payload: object, atMs: number) {
    const at = new Date(atMs).toISOString();
    const event = { id: uuid7(), source: 'platform', sourceEventId: null, orgId: universityId, deviceId, kind, severity: kind === 'device.went_offline' ? 'major' : 'info', occurredAt: at, receivedAt: new Date(this.clock.now()).toISOString(), payload } as DeviceEvent;
    return this.writer.append(event).catch((err) => console.error('could not record', kind, deviceId, err));
  }

  /** Writes changed last-seen times and states in one transaction. */
  async flush(): Promise<void> {
    const dirty = [...this.seen].filter(([, s]) => s.dirty);
    if (!dirty.length) return;
    for (const [, s] of dirty) s.dirty = false;
    const now = this.clock.nowIso();
    const rows = dirty.map(([deviceId, s]) => ({ device_id: deviceId, university_id: s.universityId, online: s.online ? 1 : 0, last_seen_at: new Date(s.lastSeenMs).toISOString(), changed_at: now }));
    const upsert = (db: ModuleDb<'health'>, chunk: typeof rows) =>
      db
        .insertInto('device_health')
        .values(chunk)
        .onConflict((oc) => oc.column('device_id').doUpdateSet((eb) => ({ online: eb.ref('excluded.online'), last_seen_at: eb.ref('excluded.last_seen_at'), changed_at: eb.ref('excluded.changed_at') })))
        .execute();
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 500) await upsert(trx, rows.slice(i, i + 500));
      });
    } catch {
      // Most likely a device deleted from the ledger meanwhile (foreign key): write row by row
      // and forget the devices that are gone.
      for (const row of rows) {
        try {
          await upsert(this.db, [row]);
        } catch {
          const [exists] = await this.ledger.identities({ id: row.device_id });
          if (!exists) this.seen.delete(row.device_id);
          else this.seen.get(row.device_id)!.dirty = true;
        }
      }
    }
  }

  /** Online state of devices, for the map: online / offline; absent = never seen. */
  status(actor: Actor, deviceIds?: string[]): Record<string, { online: boolean; lastSeenAt: string }> {
    const scope = scopeOf(actor);
    const out: Record<string, { online: boolean; lastSeenAt: string }> = {};
    const ids = deviceIds ?? [...this.seen.keys()];
    for (const id of ids) {
      const s = this.seen.get(id);
      if (s && (scope === null || s.universityId === scope)) out[id] = { online: s.online, lastSeenAt: new Date(s.lastSeenMs).toISOString() };
    }
    return out;
  }

  /** Stores the current online rate per campus and device kind. */
  async sample(): Promise<void> {
    const at = this.clock.nowIso();
    const devices = (await this.ledger.identities({ status: 'in_service' })).map((d) => ({ id: d.id, university_id: d.universityId, campus_id: d.campusId, kind: d.kind }));
    const groups = new Map<string, { university_id: string; campus_id: string; kind: string; total: number; online: number }>();
    for (const d of devices) {
      const key = `${d.university_id}|${d.campus_id}|${d.kind}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { university_id: d.university_id, campus_id: d.campus_id, kind: d.kind, total: 0, online: 0 }));
      g.total++;
      if (this.seen.get(d.id)?.online) g.online++;
    }
    const rows = [...groups.values()].map((g) => ({ at, ...g }));
    if (!rows.length) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) await trx.insertInto('device_health_samples').values(rows.slice(i, i + 500)).execute();
    });
  }

  async onlineRate(actor: Actor, q: { from: string; to: string; campusId?: string; kind?: string; universityId?: string }) {
    const universityId = listScope(actor, q.universityId);
    let query = this.db.selectFrom('device_health_samples').selectAll().where('at', '>=', q.from).where('at', '<', q.to);
    if (universityId !== null) query = query.where('university_id', '=', universityId);
    if (q.campusId) query = query.where('campus_id', '=', q.campusId);
    if (q.kind) query = query.where('kind', '=', q.kind);
    const rows = await query.orderBy('at').limit(20_000).execute();
    return rows.map((r) => ({ at: r.at, campusId: r.campus_id, kind: r.kind, total: r.total, online: r.online, rate: r.total ? r.online / r.total : 0 }));
  }
}
