import type { FastifyBaseLogger } from 'fastify';
import type { ScheduleT } from '../../../shared/alarms.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import { inSchedule, type Calendar } from '../../../shared/schedule.ts';
import { MIN_PLATE_CONFIDENCE, normalizePlate, type BarrierOutcome, type GateDecision, type GateReason } from '../../../shared/vehicles.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { readJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import { distanceM } from '../alarms/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { DeviceCommands } from '../device-commands/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import { vehiclesRepository as repo, type VehicleRow } from './vehicles.repository.ts';

/** A lane's barrier is the nearest barrier gate of its campus within this distance of its plate camera. */
const LANE_BARRIER_MAX_M = 40;
/** The barrier must answer within this time; a guard at the lane then opens by hand. */
const BARRIER_ACK_TIMEOUT_MS = 3000;
/** The devices (and so the lanes) of a university are read again after this long, in real time (a cache, not a business rule: the demo history's clock runs through months in seconds). */
const LANES_TTL_MS = 60_000;

export interface Decision {
  decision: GateDecision;
  reason: GateReason;
}

/**
 * The gate's decision on one plate read, from the vehicle's entry (or none) at the instant: a vehicle
 * leaving is let out; coming in, a banned plate is refused, an unknown one too, a pass counts from
 * its start to its end, a guest needs an approval and a contractor keeps to its hours.
 */
export function decide(read: { direction: 'in' | 'out'; confidence: number }, vehicle: VehicleRow | undefined, atMs: number, calendar: Calendar): Decision {
  if (read.confidence < MIN_PLATE_CONFIDENCE) return { decision: 'deny', reason: 'low_confidence' };
  if (read.direction === 'out') return { decision: 'open', reason: 'exit' };
  if (!vehicle || vehicle.status !== 'active') return { decision: 'deny', reason: 'unknown' };
  if (vehicle.list === 'banned') return { decision: 'deny', reason: 'banned' };
  if (vehicle.valid_from && atMs < Date.parse(vehicle.valid_from)) return { decision: 'deny', reason: 'not_yet_valid' };
  if (vehicle.valid_until && atMs >= Date.parse(vehicle.valid_until)) return { decision: 'deny', reason: 'expired' };
  if (vehicle.list === 'guest' && !vehicle.approved_at) return { decision: 'deny', reason: 'not_approved' };
  if (vehicle.schedule && !inSchedule(readJson<ScheduleT>(vehicle.schedule), atMs, calendar)) return { decision: 'deny', reason: 'outside_hours' };
  return { decision: 'open', reason: 'listed' };
}

/**
 * Decides every plate read at a gate lane as it is stored (live events only: an old read after a
 * restart opens nothing), logs the passage, opens the lane's barrier by command and records its
 * acknowledgement, keeps who is inside, and reports banned plates as `vehicle.banned` events that
 * rules turn into alarms. Guests and contractors inside past their pass are reported by `overstays`.
 */
export class GateDecider {
  private readonly lanes = new Map<string, { loadedAt: number; barrierOf: Map<string, string | null> }>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly unsubscribe: () => void;
  /** Set when the module starts. */
  log: Pick<FastifyBaseLogger, 'warn'> | null = null;

  constructor(
    private readonly db: ModuleDb<'vehicles'>,
    private readonly devices: Pick<DevicesService, 'ofUniversity'>,
    private readonly calendar: Pick<CalendarService, 'daysOf'>,
    private readonly commands: Pick<DeviceCommands, 'sendWithAck'>,
    private readonly writer: Pick<EventWriter, 'append'>,
    private readonly clock: Clock,
    bus: Bus,
  ) {
    this.unsubscribe = bus.subscribe('events.committed', (events) => {
      for (const e of events) {
        if (e.kind !== 'plate.read') continue;
        // A decision that fails leaves the barrier shut: the guard at the lane opens by hand; the log says why.
        const p = this.onPlateRead(e as DeviceEvent<'plate.read'>).catch((err: Error) => this.log?.warn({ err: err.message, eventId: e.id }, 'gate decision failed'));
        this.inflight.add(p);
        void p.finally(() => this.inflight.delete(p));
      }
    });
  }

  /**
   * For the demo history: it decides its plate reads itself through `decideAll`, in commit order,
   * so that the ids it makes do not depend on how fast the store answers; no live subscription.
   */
  decideWhenAsked(): void {
    this.unsubscribe();
  }

  /** Decides the plate reads among `events`, one after the other. */
  async decideAll(events: readonly DeviceEvent[]): Promise<void> {
    for (const e of events) if (e.kind === 'plate.read') await this.onPlateRead(e as DeviceEvent<'plate.read'>);
  }

  /** Resolves once every decision started so far is recorded (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  async onPlateRead(e: DeviceEvent<'plate.read'>): Promise<void> {
    const universityId = e.orgId;
    const plate = normalizePlate(e.payload.plate);
    const atMs = Date.parse(e.receivedAt);
    const [vehicle, calendar, barrierId] = await Promise.all([repo.byPlate(this.db, universityId, plate), this.calendar.daysOf(universityId), this.barrierOf(universityId, e.deviceId)]);
    const { decision, reason } = decide(e.payload, vehicle, atMs, calendar);
    const barrier: BarrierOutcome | null = decision === 'open' ? (barrierId ? 'pending' : 'no_barrier') : null;
    const inserted = await this.db
      .insertInto('gate_passages')
      .values({ id: e.id, university_id: universityId, at: e.receivedAt, device_id: e.deviceId, barrier_id: barrierId, plate, direction: e.payload.direction, confidence: e.payload.confidence, decision, reason, vehicle_id: vehicle?.id ?? null, list: vehicle?.list ?? null, barrier, barrier_ms: null })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (!Number(inserted.numInsertedOrUpdatedRows ?? 1)) return; // decided already
    if (vehicle && decision === 'open') {
      await this.db.updateTable('vehicles').set({ inside: e.payload.direction === 'in' ? 1 : 0, last_passage_at: e.receivedAt, ...(e.payload.direction === 'out' ? { overstay_reported_at: null } : {}) }).where('id', '=', vehicle.id).execute();
    }
    if (vehicle?.list === 'banned') {
      await this.writer.append({
        id: uuid7(),
        source: 'platform',
        sourceEventId: `vehicle.banned:${e.id}`,
        orgId: universityId,
        deviceId: e.deviceId,
        kind: 'vehicle.banned',
        severity: 'major',
        occurredAt: e.occurredAt,
        receivedAt: this.clock.nowIso(),
        payload: { plate, direction: e.payload.direction, vehicleId: vehicle.id, ownerName: vehicle.owner_name.slice(0, 40), ...(vehicle.note ? { note: vehicle.note.slice(0, 200) } : {}) },
      } satisfies DeviceEvent<'vehicle.banned'>);
    }
    if (barrier === 'pending' && barrierId) {
      const outcome = await this.commands.sendWithAck(universityId, barrierId, { id: `gate:${e.id}`, command: 'barrier.open', plate, direction: e.payload.direction }, BARRIER_ACK_TIMEOUT_MS);
      const barrierMs = outcome.status === 'acknowledged' || outcome.status === 'refused' ? Math.max(0, this.clock.now() - atMs) : null;
      await this.db.updateTable('gate_passages').set({ barrier: outcome.status, barrier_ms: barrierMs }).where('id', '=', e.id).execute();
    }
  }

  /** The barrier gate of the plate camera's lane: the nearest in service on its campus, within 40 m. */
  private async barrierOf(universityId: string, cameraId: string): Promise<string | null> {
    let cached = this.lanes.get(universityId);
    if (!cached || performance.now() - cached.loadedAt > LANES_TTL_MS) {
      const devices = await this.devices.ofUniversity(universityId);
      const barriers = devices.filter((d) => d.kind === 'barrier_gate' && d.status === 'in_service' && d.lon !== null && d.lat !== null);
      const barrierOf = new Map<string, string | null>();
      for (const cam of devices) {
        if (cam.kind !== 'lpr_camera' || cam.lon === null || cam.lat === null) continue;
        let best: { id: string; m: number } | null = null;
        for (const b of barriers) {
          if (b.campusId !== cam.campusId) continue;
          const m = distanceM(cam.lon, cam.lat, b.lon!, b.lat!);
          if (m <= LANE_BARRIER_MAX_M && (!best || m < best.m)) best = { id: b.id, m };
        }
        barrierOf.set(cam.id, best?.id ?? null);
      }
      cached = { loadedAt: performance.now(), barrierOf };
      this.lanes.set(universityId, cached);
    }
    return cached.barrierOf.get(cameraId) ?? null;
  }

  /** Guests and contractors still inside after their pass ended: one `vehicle.overstay` event each. */
  async overstays(): Promise<number> {
    const now = this.clock.nowIso();
    const rows = await this.db
      .selectFrom('vehicles')
      .selectAll()
      .where('inside', '=', 1)
      .where('status', '=', 'active')
      .where('list', 'in', ['guest', 'contractor'])
      .where('valid_until', '<', now)
      .where('overstay_reported_at', 'is', null)
      .limit(500)
      .execute();
    for (const v of rows) {
      const last = await this.db.selectFrom('gate_passages').select('device_id').where('vehicle_id', '=', v.id).where('decision', '=', 'open').orderBy('at', 'desc').limit(1).executeTakeFirst();
      if (!last) continue;
      await this.writer.append({
        id: uuid7(),
        source: 'platform',
        sourceEventId: `vehicle.overstay:${v.id}:${v.valid_until}`,
        orgId: v.university_id,
        deviceId: last.device_id,
        kind: 'vehicle.overstay',
        severity: 'minor',
        occurredAt: now,
        receivedAt: now,
        payload: { plate: v.plate, vehicleId: v.id, list: v.list, validUntil: v.valid_until! },
      } satisfies DeviceEvent<'vehicle.overstay'>);
      await this.db.updateTable('vehicles').set({ overstay_reported_at: now }).where('id', '=', v.id).execute();
    }
    return rows.length;
  }
}
