import { uuid4 } from '../../util/uuid7.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalidField, notFound } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import type { DB } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { AccountsService } from '../accounts/index.ts';
import { distanceM, type AlarmsService, type DevicePlaces, type GuardDispatcher } from '../alarms/index.ts';
import type { AlarmState, Dispatch, GuardStep } from '../../../shared/alarms.ts';
import type { GuardRosterSlot } from './guard-roster.ts';

export type { Dispatch };

/** Positions older than this do not count: the guard may be anywhere by now. */
const POSITION_MAX_AGE_MS = 30 * 60_000;
const eta = (d: number | null) => (d === null ? null : Math.round((d * 1.3) / 1.2));

/**
 * Guards sent to an alarm: chosen by the operator or, for linkage, the nearest on-duty guards by
 * their last known position (phone or patrol check-in). The guard's phone page accepts, reports
 * arrival and finishes; each step moves the alarm along.
 */
export class DispatchService implements GuardDispatcher {
  /** Guard positions being written from check-ins. */
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly db: ModuleDb<'dispatch'>,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly accounts: Pick<AccountsService, 'people' | 'findGuard'>,
    private readonly places: Pick<DevicePlaces, 'device'>,
    private readonly alarms: Pick<AlarmsService, 'get' | 'find' | 'byIds' | 'recordStep' | 'announce'>,
    private readonly roster?: GuardRosterSlot,
  ) {
    // A patrol check-in tells where the guard is: at the checkpoint.
    bus.subscribe('events.committed', (events) => {
      const checkins = events.filter((e) => e.kind === 'patrol.checkin') as DeviceEvent<'patrol.checkin'>[];
      if (!checkins.length) return;
      const work = this.positionsFromCheckins(checkins)
        .catch((err) => console.error('guard position from check-in failed', err))
        .finally(() => this.inflight.delete(work));
      this.inflight.add(work);
    });
  }

  /** Resolves once the guard positions of the check-ins committed so far are written (tests, the demo history). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  private async positionsFromCheckins(events: DeviceEvent<'patrol.checkin'>[]) {
    for (const e of events) {
      const [guard, checkpoint] = await Promise.all([this.accounts.findGuard(e.payload.guardId), this.places.device(e.orgId, e.deviceId)]);
      if (!guard || guard.universityId !== e.orgId || checkpoint?.lon == null || checkpoint.lat == null) continue;
      await this.savePosition(guard.id, e.orgId, checkpoint.lon, checkpoint.lat, null, 'checkin', e.occurredAt);
    }
  }

  private async savePosition(userId: string, universityId: string, lon: number, lat: number, accuracyM: number | null, source: string, at: string) {
    await this.db
      .insertInto('guard_positions')
      .values({ user_id: userId, university_id: universityId, lon, lat, accuracy_m: accuracyM, source, at })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ lon, lat, accuracy_m: accuracyM, source, at }))
      .execute();
  }

  /** The guard's phone reports where it is (browser geolocation). */
  async reportPosition(actor: Actor, p: { lon: number; lat: number; accuracyM?: number }) {
    if (actor.role !== 'guard' || !actor.universityId) throw invalidField('role', 'only guards report positions');
    await this.savePosition(actor.id, actor.universityId, p.lon, p.lat, p.accuracyM ?? null, 'gps', this.clock.nowIso());
  }

  /**
   * On-duty guards not busy with another alarm, nearest first by their phone's last position (in
   * the last 30 minutes). With a published guard roster (attached by the duty module) only the
   * guards rostered now on gatehouse and patrol-team posts count; when none of them has a fresh
   * position, or the university keeps no published guard roster, every guard with one does (the
   * rule before rosters: sending nobody would be worse).
   */
  async nearestGuards(universityId: string, lon: number | null, lat: number | null, count: number) {
    const nowMs = this.clock.now();
    const since = new Date(nowMs - POSITION_MAX_AGE_MS).toISOString();
    let positions = await this.db.selectFrom('guard_positions').select(['user_id', 'lon', 'lat']).where('university_id', '=', universityId).where('at', '>=', since).execute();
    const rostered = positions.length ? ((await this.roster?.current?.guardsOnDuty(universityId, nowMs)) ?? null) : null;
    if (rostered) {
      const on = new Set(rostered);
      const onDuty = positions.filter((p) => on.has(p.user_id));
      if (onDuty.length) positions = onDuty;
    }
    const guards = new Map((await this.accounts.people(positions.map((p) => p.user_id))).filter((u) => !u.disabled).map((u) => [u.id, u]));
    const busy = new Set(
      (await this.db.selectFrom('dispatches').select('guard_id').where('university_id', '=', universityId).where('state', 'in', ['offered', 'accepted', 'arrived']).execute()).map((r) => r.guard_id),
    );
    return positions
      .filter((p) => guards.has(p.user_id) && !busy.has(p.user_id))
      .map((p) => ({ id: p.user_id, name: guards.get(p.user_id)!.displayName, distanceM: lon === null || lat === null ? null : Math.round(distanceM(p.lon, p.lat, lon, lat)) }))
      .sort((a, b) => (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity))
      .slice(0, count);
  }

  /** Guards sent to the alarm who have not declined or finished. */
  async activeCount(alarmId: string): Promise<number> {
    const { n } = await this.db
      .selectFrom('dispatches')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('alarm_id', '=', alarmId)
      .where('state', 'in', ['offered', 'accepted', 'arrived'])
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Sends guards to an alarm: the given ones, or the nearest `count` on duty. */
  async dispatch(actor: Actor | null, alarmId: string, opts: { guardIds?: string[]; count?: number }): Promise<Dispatch[]> {
    const alarm = actor ? await this.alarms.get(actor, alarmId) : await this.alarms.find(alarmId);
    if (!alarm) throw notFound('alarm');
    if (!['new', 'acknowledged', 'dispatched', 'on_scene'].includes(alarm.state)) throw conflict(`the alarm is ${alarm.state}`, [{ field: 'state', reason: 'only open alarms take dispatches', rule: 'transition' }]);
    let guards: { id: string; name: string; distanceM: number | null }[];
    if (opts.guardIds?.length) {
      const rows = await this.accounts.people(opts.guardIds);
      const positions = new Map((await this.db.selectFrom('guard_positions').selectAll().where('user_id', 'in', opts.guardIds).execute()).map((p) => [p.user_id, p]));
      guards = opts.guardIds.map((id, i) => {
        const u = rows.find((r) => r.id === id);
        if (!u || u.role !== 'guard' || u.universityId !== alarm.universityId) throw invalidField(`guardIds[${i}]`, 'no such guard in this university');
        const p = positions.get(id);
        return { id, name: u.displayName, distanceM: p && alarm.lon !== null && alarm.lat !== null ? Math.round(distanceM(p.lon, p.lat, alarm.lon, alarm.lat)) : null };
      });
    } else {
      guards = await this.nearestGuards(alarm.universityId, alarm.lon, alarm.lat, opts.count ?? 1);
    }
    if (!guards.length) return [];
    const nowMs = this.clock.now();
    const now = new Date(nowMs).toISOString();
    const created: Dispatch[] = guards.map((g) => ({
      id: uuid4(),
      alarmId,
      guardId: g.id,
      guardName: g.name,
      state: 'offered',
      distanceM: g.distanceM,
      etaS: eta(g.distanceM),
      createdAt: now,
      acceptedAt: null,
      arrivedAt: null,
      finishedAt: null,
      note: null,
    }));
    await this.db.transaction().execute(async (trx) => {
      for (const d of created) {
        await trx
          .insertInto('dispatches')
          .values({ id: d.id, alarm_id: alarmId, university_id: alarm.universityId, guard_id: d.guardId, state: 'offered', distance_m: d.distanceM, created_at: now, created_by: actor?.id ?? null, accepted_at: null, arrived_at: null, finished_at: null, note: null })
          .execute();
      }
      await this.alarms.recordStep(trx, alarm, {
        to: alarm.state === 'new' || alarm.state === 'acknowledged' ? 'dispatched' : null,
        action: 'dispatch',
        actorId: actor?.id ?? null,
        actorName: actor?.displayName ?? null,
        note: guards.map((g) => `${g.name}${g.distanceM !== null ? ` (${g.distanceM} m)` : ''}`).join('、'),
        data: { guards },
        nowMs,
      });
    });
    this.alarms.announce(alarm, 'dispatched', actor?.id ?? null);
    this.bus.publish('dispatches.changed', created.map((d) => ({ guardId: d.guardId, dispatchId: d.id, change: 'offered' })), { actorId: actor?.id });
    return created;
  }

  private toDispatch(r: DB['dispatches'] & { display_name?: string | null }): Dispatch {
    return {
      id: r.id,
      alarmId: r.alarm_id,
      guardId: r.guard_id,
      guardName: r.display_name ?? null,
      state: r.state as Dispatch['state'],
      distanceM: r.distance_m,
      etaS: eta(r.distance_m),
      createdAt: r.created_at,
      acceptedAt: r.accepted_at,
      arrivedAt: r.arrived_at,
      finishedAt: r.finished_at,
      note: r.note,
    };
  }

  async ofAlarm(alarmId: string): Promise<Dispatch[]> {
    const rows = await this.db.selectFrom('dispatches').selectAll().where('alarm_id', '=', alarmId).orderBy('created_at').execute();
    const names = new Map((await this.accounts.people(rows.map((r) => r.guard_id))).map((u) => [u.id, u.displayName]));
    return rows.map((r) => this.toDispatch({ ...r, display_name: names.get(r.guard_id) ?? null }));
  }

  /** The guard's own open and recent dispatches, with their alarms. */
  async mine(actor: Actor) {
    const rows = await this.db.selectFrom('dispatches').selectAll().where('guard_id', '=', actor.id).orderBy('created_at', 'desc').limit(50).execute();
    const alarms = new Map((await this.alarms.byIds(rows.map((r) => r.alarm_id))).map((a) => [a.id, a]));
    return rows
      .filter((r) => alarms.has(r.alarm_id))
      .map((r) => {
        const a = alarms.get(r.alarm_id)!;
        return { ...this.toDispatch(r), alarm: { title: a.title, type: a.type, priority: a.priority, lon: a.lon, lat: a.lat, state: a.state, drillId: a.drillId ?? null } };
      });
  }

  /** A guard moves their own dispatch along; the alarm follows (accept → —, arrive → on scene, finish → resolved). */
  async guardStep(actor: Actor, dispatchId: string, step: GuardStep, note?: string): Promise<Dispatch> {
    const row = await this.db.selectFrom('dispatches').selectAll().where('id', '=', dispatchId).executeTakeFirst();
    if (!row || row.guard_id !== actor.id) throw notFound('dispatch');
    const from: Record<typeof step, string[]> = { accept: ['offered'], decline: ['offered'], arrive: ['offered', 'accepted'], finish: ['arrived'] };
    if (!from[step].includes(row.state)) throw conflict(`cannot ${step} a dispatch that is ${row.state}`, [{ field: 'state', reason: `is ${row.state}`, rule: 'transition' }]);
    if (step === 'finish' && !note) throw invalidField('note', 'say what you found and did');
    const nowMs = this.clock.now();
    const now = new Date(nowMs).toISOString();
    const to = { accept: 'accepted', decline: 'declined', arrive: 'arrived', finish: 'finished' }[step];
    const alarm = (await this.alarms.find(row.alarm_id))!;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('dispatches')
        .set({
          state: to,
          ...(step === 'accept' ? { accepted_at: now } : {}),
          ...(step === 'arrive' ? { arrived_at: now, accepted_at: row.accepted_at ?? now } : {}),
          ...(step === 'finish' ? { finished_at: now } : {}),
          ...(note ? { note } : {}),
        })
        .where('id', '=', dispatchId)
        .execute();
      let alarmTo: AlarmState | null = null;
      if (step === 'arrive' && alarm.state === 'dispatched') alarmTo = 'on_scene';
      if (step === 'finish' && alarm.state === 'on_scene') alarmTo = 'resolved';
      await this.alarms.recordStep(trx, alarm, { to: alarmTo, action: `guard.${step}`, actorId: actor.id, actorName: actor.displayName, note: note ?? null, data: { dispatchId }, nowMs });
    });
    this.alarms.announce(alarm, `guard.${step}`, actor.id);
    this.bus.publish('dispatches.changed', [{ guardId: actor.id, dispatchId, change: step }], { actorId: actor.id });
    const updated = await this.db.selectFrom('dispatches').selectAll().where('id', '=', dispatchId).executeTakeFirstOrThrow();
    return this.toDispatch(updated);
  }

  /** True when the guard has (had) a dispatch to this alarm: guards see only alarms they were sent to. */
  async isDispatched(guardId: string, alarmId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('dispatches').select('id').where('guard_id', '=', guardId).where('alarm_id', '=', alarmId).executeTakeFirst());
  }
}
