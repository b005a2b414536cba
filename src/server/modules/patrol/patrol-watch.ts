import type { FastifyBaseLogger } from 'fastify';
import type { DeviceEvent, EventKind, EventPayload } from '../../../shared/events.ts';
import { EVENT_KINDS } from '../../../shared/events.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { EventWriter } from '../events/index.ts';
import { patrolRepository as repo, type PatrolDb, type TourPointRow } from './patrol.repository.ts';
import type { PatrolService } from './patrol.service.ts';

/** Windows that closed longer ago than this are not reported any more (after the server was down, no flood). */
export const REPORT_LOOKBACK_MS = 6 * 3_600_000;

type PatrolKind = 'patrol.missed' | 'patrol.late' | 'patrol.out_of_order' | 'patrol.too_fast';

/**
 * The device side of patrols and their evaluation. A checkpoint device's `patrol.checkin` (MQTT or
 * HTTP ingest, stored like any event) is matched to the running tour of its checkpoint. Once a
 * minute, with the injected clock: tours are made from the schedules, and a checkpoint whose
 * window and grace passed unchecked raises `patrol.missed`; a late check-in `patrol.late`; a
 * check-in at a checkpoint of an ordered route after a later one was checked `patrol.out_of_order`; a tour with
 * two check-ins closer than the least walking time `patrol.too_fast` — each once, through the
 * EventWriter, so that rules can turn them into alarms.
 */
export class PatrolWatch {
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly unsubscribe: () => void;
  log: Pick<FastifyBaseLogger, 'warn'> | null = null;

  constructor(
    private readonly db: PatrolDb,
    private readonly patrol: Pick<PatrolService, 'checkin' | 'ensureAllTours'>,
    private readonly accounts: Pick<AccountsService, 'findGuard' | 'people'>,
    private readonly writer: Pick<EventWriter, 'append'>,
    private readonly clock: Clock,
    bus: Bus,
  ) {
    this.unsubscribe = bus.subscribe('events.committed', (events) => {
      const checkins = events.filter(isDeviceCheckin);
      if (!checkins.length) return;
      const p = this.recordAll(checkins).catch((err: Error) => this.log?.warn({ err: err.message }, 'patrol check-in not recorded'));
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    });
  }

  /** For the demo history: it records check-ins itself through `recordAll`, in commit order (like the vehicle gate). */
  recordWhenAsked(): void {
    this.unsubscribe();
  }

  /** Resolves once every check-in started so far is recorded (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  async recordAll(events: readonly DeviceEvent[]): Promise<void> {
    for (const e of events) if (isDeviceCheckin(e)) await this.onCheckin(e);
  }

  async onCheckin(e: DeviceEvent<'patrol.checkin'>): Promise<void> {
    if (await repo.checkinByEvent(this.db, e.id)) return; // delivered twice
    const checkpoints = await repo.checkpointsByDevice(this.db, e.orgId, e.deviceId);
    if (!checkpoints.length) return; // a checkpoint device not (yet) on any checkpoint
    const found = await this.accounts.findGuard(e.payload.guardId);
    const guard = found && found.universityId === e.orgId ? found : null;
    const [person] = guard ? await this.accounts.people([guard.id]) : [];
    const walker = guard ? { id: guard.id, name: person?.displayName ?? e.payload.guardId } : null;
    // The device's own time, unless it is in the future by the platform's clock.
    const atMs = Math.min(Date.parse(e.occurredAt), Date.parse(e.receivedAt));
    for (const checkpoint of checkpoints) {
      await this.patrol.checkin({ checkpoint, atMs, method: 'device', guard: walker, eventId: checkpoints.length > 1 ? `${e.id}/${checkpoint.id}` : e.id, routeHint: e.payload.routeId });
    }
  }

  /** The evaluation job: makes tours, then raises what is due. */
  async evaluate(): Promise<{ missed: number; late: number; outOfOrder: number; tooFast: number }> {
    const nowMs = this.clock.now();
    const now = new Date(nowMs).toISOString();
    const since = new Date(nowMs - REPORT_LOOKBACK_MS).toISOString();
    await this.patrol.ensureAllTours(nowMs);
    const out = { missed: 0, late: 0, outOfOrder: 0, tooFast: 0 };

    const missed = await this.db
      .selectFrom('patrol_tour_points')
      .selectAll()
      .where('checked_at', 'is', null)
      .where('missed_reported_at', 'is', null)
      .where('grace_until', '<=', now)
      .where('grace_until', '>', since)
      .orderBy('grace_until')
      .orderBy('id')
      .limit(1000)
      .execute();
    for (const p of missed) {
      const walker = await this.walkerOf(p.tour_id);
      await this.raise(p, 'patrol.missed', { tourId: p.tour_id, routeName: '', checkpointName: p.checkpoint_name.slice(0, 60), dueAt: p.due_at, ...(walker ? { guardName: walker.slice(0, 40) } : {}) });
      await this.db.updateTable('patrol_tour_points').set({ missed_reported_at: now }).where('id', '=', p.id).execute();
      out.missed++;
    }

    const checked = await this.db
      .selectFrom('patrol_tour_points')
      .selectAll()
      .where('checked_at', 'is not', null)
      .where('checked_at', '>', since)
      .where((eb) => eb.or([eb.and([eb('late_reported_at', 'is', null), eb('checked_at', '>', eb.ref('due_at'))]), eb.and([eb('order_reported_at', 'is', null), eb('out_of_order', '=', 1)])]))
      .orderBy('checked_at')
      .orderBy('id')
      .limit(1000)
      .execute();
    for (const p of checked) {
      const guardName = p.guard_name ? { guardName: p.guard_name.slice(0, 40) } : {};
      if (!p.late_reported_at && p.checked_at! > p.due_at && Date.parse(p.checked_at!) > Date.parse(p.due_at)) {
        const lateMin = Math.ceil((Date.parse(p.checked_at!) - Date.parse(p.due_at)) / 60_000);
        await this.raise(p, 'patrol.late', { tourId: p.tour_id, routeName: '', checkpointName: p.checkpoint_name.slice(0, 60), dueAt: p.due_at, checkedAt: p.checked_at!, lateMin, ...guardName });
        await this.db.updateTable('patrol_tour_points').set({ late_reported_at: now }).where('id', '=', p.id).execute();
        out.late++;
      }
      if (!p.order_reported_at && p.out_of_order === 1) {
        const siblings = await repo.pointsOf(this.db, [p.tour_id]);
        const ahead = siblings.filter((s) => s.seq > p.seq && s.checked_at && s.checked_at <= p.checked_at!).map((s) => s.checkpoint_name);
        await this.raise(p, 'patrol.out_of_order', { tourId: p.tour_id, routeName: '', checkpointName: p.checkpoint_name.slice(0, 60), aheadNames: (ahead.join('、') || '—').slice(0, 200), ...guardName });
        await this.db.updateTable('patrol_tour_points').set({ order_reported_at: now }).where('id', '=', p.id).execute();
        out.outOfOrder++;
      }
    }

    const fast = await this.db.selectFrom('patrol_tours').selectAll().where('too_fast', '=', 1).where('too_fast_reported_at', 'is', null).where('starts_at', '>', new Date(nowMs - 2 * REPORT_LOOKBACK_MS).toISOString()).orderBy('starts_at').orderBy('id').limit(200).execute();
    for (const t of fast) {
      const points = (await repo.pointsOf(this.db, [t.id])).filter((p) => p.checked_at).sort((a, b) => (a.checked_at! < b.checked_at! ? -1 : 1));
      let worst: { p: TourPointRow; gapS: number } | null = null;
      for (let i = 1; i < points.length; i++) {
        const gapS = Math.round((Date.parse(points[i].checked_at!) - Date.parse(points[i - 1].checked_at!)) / 1000);
        if (!worst || gapS < worst.gapS) worst = { p: points[i], gapS };
      }
      if (worst) {
        await this.raise(worst.p, 'patrol.too_fast', { tourId: t.id, routeName: t.route_name.slice(0, 60), checkpointName: worst.p.checkpoint_name.slice(0, 60), fastestS: worst.gapS, minStepS: t.min_step_s, ...(worst.p.guard_name ? { guardName: worst.p.guard_name.slice(0, 40) } : {}) });
        out.tooFast++;
      }
      await this.db.updateTable('patrol_tours').set({ too_fast_reported_at: now }).where('id', '=', t.id).execute();
    }
    return out;
  }

  private async walkerOf(tourId: string): Promise<string | null> {
    const points = await repo.pointsOf(this.db, [tourId]);
    return points.find((p) => p.guard_name)?.guard_name ?? null;
  }

  /** One event of the checkpoint (its device, or the checkpoint's own id when it has none); the route's name filled in. */
  private async raise<K extends PatrolKind>(p: TourPointRow, kind: K, payload: EventPayload<K>): Promise<void> {
    const [cp] = await repo.checkpointsByIds(this.db, [p.checkpoint_id]);
    const [tour] = await repo.toursByIds(this.db, [p.tour_id]);
    const now = this.clock.nowIso();
    const full = { ...payload, routeName: (tour?.route_name ?? '—').slice(0, 60) };
    await this.writer.append({
      id: uuid7(),
      source: 'platform',
      sourceEventId: `${kind}:${p.id}`,
      orgId: p.university_id,
      deviceId: cp?.device_id ?? p.checkpoint_id,
      kind,
      severity: EVENT_KINDS[kind].severity,
      occurredAt: now,
      receivedAt: now,
      payload: full,
    } as DeviceEvent<EventKind>);
  }
}

function isDeviceCheckin(e: DeviceEvent): e is DeviceEvent<'patrol.checkin'> {
  // A phone check-in is written by the platform itself (source platform) and recorded already.
  return e.kind === 'patrol.checkin' && e.source !== 'platform';
}

/**
 * A phone check-in at a checkpoint that has a device is also stored as that device's
 * `patrol.checkin` (source platform): the event log, the guard's position for dispatch and the
 * trajectory see it as they see a device's. The watch leaves platform check-ins alone.
 */
export async function announcePhoneCheckin(writer: Pick<EventWriter, 'append'>, clock: Clock, c: { universityId: string; deviceId: string | null; guardId: string; routeId: string }): Promise<void> {
  if (!c.deviceId) return;
  const now = clock.nowIso();
  await writer.append({
    id: uuid7(),
    source: 'platform',
    sourceEventId: `patrol.phone:${uuid7()}`,
    orgId: c.universityId,
    deviceId: c.deviceId,
    kind: 'patrol.checkin',
    severity: 'info',
    occurredAt: now,
    receivedAt: now,
    payload: { guardId: c.guardId, routeId: c.routeId.slice(0, 64) },
  } satisfies DeviceEvent<'patrol.checkin'>);
}
