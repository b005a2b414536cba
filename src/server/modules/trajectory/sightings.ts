import type { FastifyBaseLogger } from 'fastify';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { DeviceKind } from '../../../shared/domain.ts';
import { normalizePlate } from '../../../shared/vehicles.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventsService } from '../events/index.ts';
import type { PresenceRow, SightingRow, TrajectoryRepository } from './trajectory.repository.ts';

/** Devices at a campus entrance: a pass there is an entry or an exit (在校人数, per-gate counts). */
export const ENTRANCE_KINDS: ReadonlySet<DeviceKind> = new Set(['turnstile', 'barrier_gate', 'lpr_camera']);
/** A university's device kinds are read again after this long, in real time (a cache, not a rule: the demo history's clock runs through months in seconds). */
const DEVICE_KINDS_TTL_MS = 60_000;
/** Events per backfill batch: small enough that the API keeps answering between batches. */
const BACKFILL_BATCH = 2000;
const BACKFILL = 'events';

/** Card numbers as the people register stores them (modules/people person-fields: NFKC, trimmed, upper case). */
export const normalizeCard = (v: string) => v.normalize('NFKC').trim().toUpperCase();

export interface Subject {
  key: string;
  direction: 'in' | 'out' | null;
}

/**
 * The subjects an event is a sighting of: the person id it names, the credential used (card, QR,
 * face template), the plate read, the guard checking in. The first is the event's main subject
 * (presence is kept by it). Events of other kinds name no one.
 */
export function subjectsOf(e: Pick<DeviceEvent, 'kind' | 'payload'>): Subject[] {
  const p = e.payload as { personId?: string; credentialType?: string; credentialId?: string; direction?: 'in' | 'out'; plate?: string; guardId?: string };
  const direction = p.direction ?? null;
  switch (e.kind) {
    case 'access.granted':
    case 'access.denied': {
      const out: Subject[] = [];
      if (p.personId) out.push({ key: `person:${p.personId}`, direction });
      const id = p.credentialId?.trim();
      if (id && (p.credentialType === 'card' || p.credentialType === 'qr' || p.credentialType === 'face')) {
        out.push({ key: `${p.credentialType}:${p.credentialType === 'card' ? normalizeCard(id) : id}`, direction });
      }
      return out;
    }
    case 'plate.read':
      return p.plate ? [{ key: `plate:${normalizePlate(p.plate)}`, direction }] : [];
    case 'face.match':
      return p.personId ? [{ key: `person:${p.personId}`, direction: null }] : [];
    case 'patrol.checkin':
      return p.guardId ? [{ key: `guard:${p.guardId}`, direction: null }] : [];
    default:
      return [];
  }
}

/**
 * Keeps the sightings index: every committed event's sightings as it is published (in commit
 * order, one write after the other), and on start the events stored before (or while a crash
 * lost a published batch), in batches off the hot path. Rows are keyed by event id, so writing an
 * event twice changes nothing: the order of the two paths does not matter, and nothing here makes
 * an id (the demo history stays the same for a seed).
 */
export class SightingIndexer {
  private readonly kinds = new Map<string, { loadedAt: number; kindOf: Map<string, DeviceKind> }>();
  /** When a device was last looked for and not found (real time). */
  private readonly unknownSince = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private lastIndexedId = '';
  private backfillRun: Promise<number> | null = null;
  /** Set when a backfill reached the newest stored event: from then on the live path indexes everything. */
  private caughtUp = false;
  private stopping = false;
  log: Pick<FastifyBaseLogger, 'warn' | 'info'> | null = null;
  readonly stats = { indexed: 0, backfilled: 0, failures: 0 };

  constructor(
    private readonly repo: TrajectoryRepository,
    private readonly devices: Pick<DevicesService, 'ofUniversity'>,
    private readonly events: Pick<EventsService, 'after'>,
    private readonly clock: Clock,
    bus: Bus,
  ) {
    this.unsubscribe = bus.subscribe('events.committed', (batch) => {
      this.chain = this.chain
        .then(() => this.index(batch))
        .then(() => void (this.lastIndexedId = batch[batch.length - 1]!.id > this.lastIndexedId ? batch[batch.length - 1]!.id : this.lastIndexedId))
        .catch((err: Error) => {
          // The next start's backfill writes what was lost here.
          this.stats.failures++;
          this.log?.warn({ err: err.message }, 'sightings not indexed');
        });
    });
  }

  /**
   * For the demo history: it indexes each batch itself through `index`, in commit order and
   * between its own steps, so no write of ours runs beside its work (on PostgreSQL a concurrent
   * write changes how long its steps take, and the history must not depend on that).
   */
  indexWhenAsked(): void {
    this.unsubscribe();
  }

  /** Writes the sightings of `events` (idempotent). */
  async index(events: readonly DeviceEvent[]): Promise<number> {
    const rows: SightingRow[] = [];
    const passes: PresenceRow[] = [];
    for (const e of events) {
      const subjects = subjectsOf(e);
      if (!subjects.length) continue;
      const entrance = ENTRANCE_KINDS.has((await this.kindOf(e.orgId, e.deviceId)) ?? 'camera') ? 1 : 0;
      for (const s of subjects) rows.push({ university_id: e.orgId, subject: s.key, at: e.occurredAt, event_id: e.id, device_id: e.deviceId, kind: e.kind, direction: s.direction, entrance });
      // Presence of people only (vehicles: modules/vehicles), by the event's main subject, on passes that went through.
      const main = subjects[0]!;
      if (entrance && main.direction && e.kind === 'access.granted') passes.push({ university_id: e.orgId, subject: main.key, inside: main.direction === 'in' ? 1 : 0, at: e.occurredAt, device_id: e.deviceId });
    }
    if (!rows.length) return 0;
    await this.repo.insertSightings(rows);
    if (passes.length) await this.repo.updatePresence(passes);
    this.stats.indexed += rows.length;
    return rows.length;
  }

  private async kindOf(universityId: string, deviceId: string): Promise<DeviceKind | undefined> {
    let cached = this.kinds.get(universityId);
    const now = performance.now();
    const stale = !cached || now - cached.loadedAt > DEVICE_KINDS_TTL_MS;
    // A device unknown to the cache may be new (a turnstile added a moment ago): read again, but
    // for a device that stays unknown (a deleted one still sending) at most once a second.
    const unknown = !!cached && !cached.kindOf.has(deviceId) && now - (this.unknownSince.get(deviceId) ?? -Infinity) >= 1000;
    if (!cached || stale || unknown) {
      const devices = await this.devices.ofUniversity(universityId);
      cached = { loadedAt: performance.now(), kindOf: new Map(devices.map((d) => [d.id, d.kind])) };
      this.kinds.set(universityId, cached);
      if (cached.kindOf.has(deviceId)) this.unknownSince.delete(deviceId);
      else this.unknownSince.set(deviceId, performance.now());
    }
    return cached.kindOf.get(deviceId);
  }

  /**
   * Indexes the stored events after the saved position, batch by batch, yielding between batches;
   * saves the position after each. Runs once at a time; resolves with the number of events read.
   */
  backfill(): Promise<number> {
    this.backfillRun ??= this.runBackfill().finally(() => (this.backfillRun = null));
    return this.backfillRun;
  }

  private async runBackfill(): Promise<number> {
    let after = await this.repo.backfillPosition(BACKFILL);
    let read = 0;
    while (!this.stopping) {
      const batch = await this.events.after(after, BACKFILL_BATCH);
      if (!batch.length) break;
      await this.index(batch);
      after = batch[batch.length - 1]!.id;
      read += batch.length;
      this.stats.backfilled += batch.length;
      await this.repo.saveBackfillPosition(BACKFILL, after, null);
      await new Promise((r) => setImmediate(r));
    }
    if (!this.stopping) {
      await this.repo.saveBackfillPosition(BACKFILL, after, this.clock.nowIso());
      this.caughtUp = true;
    }
    return read;
  }

  /** Resolves once everything published so far is indexed (tests, the demo history, shutdown). */
  async settled(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  /**
   * At shutdown: stop the backfill, finish the published batches, and move the saved position to
   * the last event indexed live when the backfill had caught up, so the next start reads only
   * what came after (events ids grow in commit order, and batches are indexed in that order).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    const running = this.backfillRun;
    if (running) await running.catch(() => 0);
    await this.settled();
    if (this.caughtUp && this.lastIndexedId) {
      const saved = await this.repo.backfillPosition(BACKFILL);
      if (this.lastIndexedId > saved) await this.repo.saveBackfillPosition(BACKFILL, this.lastIndexedId, this.clock.nowIso());
    }
  }
}
