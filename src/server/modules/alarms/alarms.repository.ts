import type { Selectable, SelectQueryBuilder } from 'kysely';
import { OPEN_ALARM_STATES, type AlarmState, type AlarmType, type AlarmViewT, type AlarmLogEntry } from '../../../shared/alarms.ts';
import { readJson, writeJson } from '../../store/database.ts';
import type { AlarmTable, DB } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { CoveredBy } from './camera-coverage.ts';
import { beijingDate } from '../../../shared/beijing-time.ts';

type Db = ModuleDb<'alarms'>;

/** The alarm as stored and as the API shows it (one shape: src/shared/alarms.ts). */
export type Alarm = AlarmViewT;

export type { AlarmLogEntry };

export const toAlarm = (r: Selectable<AlarmTable>): Alarm => ({
  id: r.id,
  universityId: r.university_id,
  ruleId: r.rule_id,
  type: r.type as AlarmType,
  priority: r.priority,
  state: r.state as AlarmState,
  latched: r.latched === 1,
  title: r.title,
  deviceId: r.device_id,
  campusId: r.campus_id,
  buildingId: r.building_id,
  floorId: r.floor_id,
  lon: r.lon,
  lat: r.lat,
  eventCount: r.event_count,
  firstEventId: r.first_event_id,
  lastEventId: r.last_event_id,
  firstAt: r.first_at,
  lastAt: r.last_at,
  linkedCameras: readJson<CoveredBy[]>(r.linked_cameras),
  stateChangedAt: r.state_changed_at,
  dueAt: r.due_at,
  escalationLevel: r.escalation_level,
  createdAt: r.created_at,
  drillId: r.drill_id ?? null,
});

export interface AlarmQuery {
  universityId: string | null;
  states?: AlarmState[];
  types?: AlarmType[];
  campusId?: string;
  deviceId?: string;
  /** Alarms raised by this camera or linked to it. */
  cameraId?: string;
  from?: string;
  to?: string;
  /** Alarms routed to this account (or to nobody in particular). */
  routedTo?: string;
  limit: number;
  offset: number;
}

export interface HandlingWindow {
  from: string;
  to: string;
  universityId: string | null;
  campusId: string | null;
}

/** Which log entries count as which handling step. */
export interface HandlingSteps {
  /** Actions by a person that count as the first response. */
  responseActions: readonly string[];
  arriveActions: readonly string[];
  finalStates: readonly string[];
}

export interface AlarmHandlingTimes {
  id: string;
  type: string;
  state: string;
  device_id: string;
  campus_id: string | null;
  building_id: string | null;
  created_at: string;
  ack_at: string | null;
  dispatch_at: string | null;
  arrive_at: string | null;
  close_at: string | null;
  /** The account that took the first person step (the one counted as acknowledging), or null. */
  ack_by: string | null;
}

export class AlarmsRepository {
  /**
   * One scan of the window's alarms with their first step times aggregated in SQL (portable
   * MIN/CASE/GROUP BY): identical on SQLite and PostgreSQL.
   */
  async handlingTimes(db: Db, w: HandlingWindow, steps: HandlingSteps): Promise<AlarmHandlingTimes[]> {
    const inWindow = <O>(qb: SelectQueryBuilder<DB, 'alarms', O>) => {
      // 演练: a drill's alarms are training, never statistics.
      let r = qb.where('alarms.created_at', '>=', w.from).where('alarms.created_at', '<', w.to).where('alarms.drill_id', 'is', null);
      if (w.universityId !== null) r = r.where('alarms.university_id', '=', w.universityId);
      if (w.campusId !== null) r = r.where('alarms.campus_id', '=', w.campusId);
      return r;
    };
    const firstSteps = db
      .selectFrom('alarm_log')
      .select((eb) => [
        'alarm_log.alarm_id',
        eb.fn
          .min(
            eb
              .case()
              .when(eb.and([eb('alarm_log.actor_id', 'is not', null), eb('alarm_log.action', 'in', [...steps.responseActions])]))
              .then(eb.ref('alarm_log.at'))
              .end(),
          )
          .$castTo<string | null>()
          .as('ack_at'),
        eb.fn.min(eb.case().when('alarm_log.action', '=', 'dispatch').then(eb.ref('alarm_log.at')).end()).$castTo<string | null>().as('dispatch_at'),
        eb.fn.min(eb.case().when('alarm_log.action', 'in', [...steps.arriveActions]).then(eb.ref('alarm_log.at')).end()).$castTo<string | null>().as('arrive_at'),
        eb.fn.min(eb.case().when('alarm_log.to_state', 'in', [...steps.finalStates]).then(eb.ref('alarm_log.at')).end()).$castTo<string | null>().as('close_at'),
      ])
      .where('alarm_log.alarm_id', 'in', inWindow(db.selectFrom('alarms').select('alarms.id')))
      .groupBy('alarm_log.alarm_id')
      .as('l');
    return inWindow(
      db
        .selectFrom('alarms')
        .leftJoin(firstSteps, 'l.alarm_id', 'alarms.id')
        .select(['alarms.id', 'alarms.type', 'alarms.state', 'alarms.device_id', 'alarms.campus_id', 'alarms.building_id', 'alarms.created_at', 'l.ack_at', 'l.dispatch_at', 'l.arrive_at', 'l.close_at'])
        .select((eb) =>
          eb
            .selectFrom('alarm_log as f')
            .select('f.actor_id')
            .whereRef('f.alarm_id', '=', 'alarms.id')
            .where('f.actor_id', 'is not', null)
            .where('f.action', 'in', [...steps.responseActions])
            .orderBy('f.at')
            .orderBy('f.id')
            .limit(1)
            .as('ack_by'),
        ),
    ).execute();
  }

  /** The alarms a drill raised, oldest first. */
  async ofDrill(db: Db, drillId: string): Promise<Alarm[]> {
    return (await db.selectFrom('alarms').selectAll().where('drill_id', '=', drillId).orderBy('created_at').limit(50).execute()).map(toAlarm);
  }

  async find(db: Db, id: string): Promise<Alarm | undefined> {
    const r = await db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toAlarm(r);
  }

  /** The open alarm a new event of the same device and type merges into. */
  async byIds(db: Db, ids: string[]): Promise<Alarm[]> {
    return (await db.selectFrom('alarms').selectAll().where('id', 'in', ids).execute()).map(toAlarm);
  }

  /** 按值班分派: replaces whom an alarm is routed to. */
  async setRoutes(db: Db, alarm: Pick<Alarm, 'id' | 'universityId'>, route: { operators: { id: string; name: string }[]; leaders: { id: string; name: string }[] }, at: string) {
    await db.deleteFrom('alarm_routes').where('alarm_id', '=', alarm.id).execute();
    const rows = [
      ...route.operators.map((p) => ({ role: 'operator', ...p })),
      ...route.leaders.map((p) => ({ role: 'leader', ...p })),
    ].filter((r, i, all) => all.findIndex((o) => o.id === r.id && o.role === r.role) === i);
    if (rows.length) await db.insertInto('alarm_routes').values(rows.map((r) => ({ alarm_id: alarm.id, account_id: r.id, university_id: alarm.universityId, role: r.role, name: r.name, routed_at: at }))).execute();
  }

  async routesOf(db: Db, alarmIds: string[]): Promise<{ alarm_id: string; account_id: string; role: string; name: string }[]> {
    if (!alarmIds.length) return [];
    return db.selectFrom('alarm_routes').select(['alarm_id', 'account_id', 'role', 'name']).where('alarm_id', 'in', alarmIds).orderBy('role', 'desc').orderBy('name').execute();
  }

  /** A university's open alarms, oldest first, bounded. */
  async openOf(db: Db, universityId: string, limit: number): Promise<Alarm[]> {
    return (await db.selectFrom('alarms').selectAll().where('university_id', '=', universityId).where('state', 'in', [...OPEN_ALARM_STATES]).orderBy('created_at').orderBy('id').limit(limit).execute()).map(toAlarm);
  }

  /** The open alarm of this device and type; a drill's events join only that drill's alarm, real events only a real one. */
  async findOpen(db: Db, deviceId: string, type: AlarmType, drillId: string | null = null): Promise<Alarm | undefined> {
    const r = await db
      .selectFrom('alarms')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('type', '=', type)
      .where('drill_id', drillId === null ? 'is' : '=', drillId)
      .where('state', 'in', [...OPEN_ALARM_STATES])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r && toAlarm(r);
  }

  async insert(db: Db, a: Alarm) {
    await db
      .insertInto('alarms')
      .values({
        id: a.id,
        university_id: a.universityId,
        rule_id: a.ruleId,
        type: a.type,
        priority: a.priority,
        state: a.state,
        latched: a.latched ? 1 : 0,
        title: a.title,
        device_id: a.deviceId,
        campus_id: a.campusId,
        building_id: a.buildingId,
        floor_id: a.floorId,
        lon: a.lon,
        lat: a.lat,
        event_count: a.eventCount,
        first_event_id: a.firstEventId,
        last_event_id: a.lastEventId,
        first_at: a.firstAt,
        last_at: a.lastAt,
        linked_cameras: writeJson(a.linkedCameras),
        state_changed_at: a.stateChangedAt,
        due_at: a.dueAt,
        escalation_level: a.escalationLevel,
        created_at: a.createdAt,
        drill_id: a.drillId ?? null,
      })
      .execute();
    await this.linkCameras(db, a, a.linkedCameras);
  }

  private async linkCameras(db: Db, a: Pick<Alarm, 'id' | 'universityId' | 'createdAt'>, cameras: readonly CoveredBy[]) {
    const ids = [...new Set(cameras.map((c) => c.id))];
    if (!ids.length) return;
    await db
      .insertInto('alarm_cameras')
      .values(ids.map((deviceId) => ({ alarm_id: a.id, device_id: deviceId, university_id: a.universityId, alarm_at: a.createdAt })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async merge(db: Db, id: string, eventId: string, at: string) {
    await db
      .updateTable('alarms')
      .set((eb) => ({ event_count: eb('event_count', '+', 1), last_event_id: eventId, last_at: at }))
      .where('id', '=', id)
      .execute();
  }

  async setState(db: Db, id: string, patch: { state?: AlarmState; latched?: boolean; stateChangedAt?: string; dueAt?: string | null; escalationLevel?: number }) {
    await db
      .updateTable('alarms')
      .set({
        ...(patch.state !== undefined ? { state: patch.state } : {}),
        ...(patch.latched !== undefined ? { latched: patch.latched ? 1 : 0 } : {}),
        ...(patch.stateChangedAt !== undefined ? { state_changed_at: patch.stateChangedAt } : {}),
        ...(patch.dueAt !== undefined ? { due_at: patch.dueAt } : {}),
        ...(patch.escalationLevel !== undefined ? { escalation_level: patch.escalationLevel } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Links an event to an alarm; false when it was linked already (a second rule matching the same event). */
  async linkEvent(db: Db, alarmId: string, eventId: string, at: string): Promise<boolean> {
    const rows = await db.insertInto('alarm_events').values({ alarm_id: alarmId, event_id: eventId, at }).onConflict((oc) => oc.doNothing()).returning('event_id').execute();
    return rows.length > 0;
  }

  /** A more urgent rule joined the alarm: it takes that rule's priority, title and latch. */
  async raise(db: Db, id: string, patch: { ruleId: string; priority: number; title: string; latched: boolean; dueAt: string | null }) {
    await db
      .updateTable('alarms')
      .set({ rule_id: patch.ruleId, priority: patch.priority, title: patch.title, latched: patch.latched ? 1 : 0, due_at: patch.dueAt })
      .where('id', '=', id)
      .execute();
  }

  async setLinkedCameras(db: Db, alarm: Pick<Alarm, 'id' | 'universityId' | 'createdAt'>, cameras: CoveredBy[]) {
    await db.updateTable('alarms').set({ linked_cameras: writeJson(cameras) }).where('id', '=', alarm.id).execute();
    await this.linkCameras(db, alarm, cameras);
  }

  /** Whether this rule has already run its actions for this alarm (an earlier event it matched). */
  async ruleRanFor(db: Db, alarmId: string, ruleId: string): Promise<boolean> {
    const row = await db.selectFrom('rule_runs').select('rule_id').where('alarm_id', '=', alarmId).where('rule_id', '=', ruleId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async log(db: Db, e: AlarmLogEntry) {
    await db
      .insertInto('alarm_log')
      .values({
        id: e.id,
        alarm_id: e.alarmId,
        at: e.at,
        actor_id: e.actorId,
        actor_name: e.actorName,
        action: e.action,
        from_state: e.fromState,
        to_state: e.toState,
        note: e.note,
        data: e.data === undefined || e.data === null ? null : writeJson(e.data),
      })
      .execute();
  }

  async list(db: Db, q: AlarmQuery): Promise<{ items: Alarm[]; total: number }> {
    let query = db.selectFrom('alarms');
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.states?.length) query = query.where('state', 'in', q.states);
    if (q.types?.length) query = query.where('type', 'in', q.types);
    if (q.campusId) query = query.where('campus_id', '=', q.campusId);
    if (q.deviceId) query = query.where('device_id', '=', q.deviceId);
    // A camera's alarms: those it raised and those it was linked to.
    if (q.cameraId) {
      const cameraId = q.cameraId;
      query = query.where((eb) => eb.or([eb('device_id', '=', cameraId), eb('id', 'in', eb.selectFrom('alarm_cameras').select('alarm_id').where('device_id', '=', cameraId))]));
    }
    if (q.from) query = query.where('created_at', '>=', q.from);
    if (q.to) query = query.where('created_at', '<', q.to);
    // 按值班分派: routed to this account, or to nobody in particular (no roster when it was raised).
    if (q.routedTo) {
      const me = q.routedTo;
      query = query.where((eb) =>
        eb.or([
          eb('id', 'in', eb.selectFrom('alarm_routes').select('alarm_id').where('account_id', '=', me)),
          eb.not(eb.exists(eb.selectFrom('alarm_routes').select('alarm_routes.alarm_id').whereRef('alarm_routes.alarm_id', '=', 'alarms.id'))),
        ]),
      );
    }
    const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    // The queue: most urgent first, then oldest first (the one waiting longest).
    const rows = await query.selectAll().orderBy('priority').orderBy('created_at').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return { items: rows.map(toAlarm), total: Number(n) };
  }

  /**
   * 案件编号 YYYY-MMDD-NNNN: the Beijing date the alarm was raised and its number among the
   * university's alarms of that day. Derived, never stored: alarms are never deleted, so it does not change.
   */
  async caseNumber(db: Db, alarm: Pick<Alarm, 'id' | 'universityId' | 'createdAt' | 'drillId'>): Promise<string> {
    const created = Date.parse(alarm.createdAt);
    const day = beijingDate(created);
    const dayStart = new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
    // 演练: drill alarms are numbered apart (YL-…), so a drill never shifts the real case numbers.
    const drill = !!alarm.drillId;
    const { n } = await db
      .selectFrom('alarms')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('university_id', '=', alarm.universityId)
      .where('drill_id', drill ? 'is not' : 'is', null)
      .where('created_at', '>=', dayStart)
      .where((eb) => eb.or([eb('created_at', '<', alarm.createdAt), eb.and([eb('created_at', '=', alarm.createdAt), eb('id', '<=', alarm.id)])]))
      .executeTakeFirstOrThrow();
    return `${drill ? 'YL-' : ''}${day.slice(0, 4)}-${day.slice(5, 7)}${day.slice(8, 10)}-${String(Number(n)).padStart(4, '0')}`;
  }

  async logOf(db: Db, alarmId: string): Promise<AlarmLogEntry[]> {
    const rows = await db.selectFrom('alarm_log').selectAll().where('alarm_id', '=', alarmId).orderBy('at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      alarmId: r.alarm_id,
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      note: r.note,
      data: r.data === null ? null : readJson(r.data),
    }));
  }

  async overdue(db: Db, now: string, limit = 200): Promise<Alarm[]> {
    const rows = await db
      .selectFrom('alarms')
      .selectAll()
      .where('due_at', 'is not', null)
      .where('due_at', '<=', now)
      .where('state', 'in', [...OPEN_ALARM_STATES, 'resolved'])
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toAlarm);
  }
}
