import type { Checkpoint, PointStatus, Route, Tour, TourPoint, TourState } from '../../../shared/patrol.ts';
import { readJson } from '../../store/database.ts';
import type { PatrolCheckinTable, PatrolCheckpointTable, PatrolRouteTable, PatrolTourPointTable, PatrolTourTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

export type CheckpointRow = PatrolCheckpointTable;
export type RouteRow = PatrolRouteTable;
export type TourRow = PatrolTourTable;
export type TourPointRow = PatrolTourPointTable;
export type CheckinRow = PatrolCheckinTable;
export type PatrolDb = ModuleDb<'patrol'>;

export interface RoutePointRef {
  checkpointId: string;
  withinMin: number;
}

export const routePoints = (r: Pick<RouteRow, 'points'>) => readJson<RoutePointRef[]>(r.points);
export const routeGuards = (r: Pick<RouteRow | TourRow, 'guard_ids'>) => readJson<string[]>(r.guard_ids);

export function toCheckpoint(r: CheckpointRow, deviceNames: ReadonlyMap<string, string>, showToken: boolean): Checkpoint {
  return {
    id: r.id,
    universityId: r.university_id,
    campusId: r.campus_id,
    name: r.name,
    lon: r.lon,
    lat: r.lat,
    radiusM: r.radius_m,
    deviceId: r.device_id,
    deviceName: r.device_id ? (deviceNames.get(r.device_id) ?? null) : null,
    token: showToken ? r.token : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toRoute(r: RouteRow, checkpointNames: ReadonlyMap<string, string>, guardNames: ReadonlyMap<string, string>): Route {
  const guardIds = routeGuards(r);
  return {
    id: r.id,
    universityId: r.university_id,
    name: r.name,
    ordered: r.ordered === 1,
    points: routePoints(r).map((p) => ({ checkpointId: p.checkpointId, name: checkpointNames.get(p.checkpointId) ?? p.checkpointId, withinMin: p.withinMin })),
    minStepS: r.min_step_s,
    lateGraceMin: r.late_grace_min,
    startTimes: readJson<string[]>(r.start_times),
    days: readJson<number[]>(r.days),
    holidays: r.holidays as Route['holidays'],
    guardIds,
    guardNames: guardIds.map((id) => guardNames.get(id) ?? id),
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Where a point stands at `nowMs`: checked on time or late, missed once its grace passed, else pending. */
export function pointStatus(p: Pick<TourPointRow, 'checked_at' | 'due_at' | 'grace_until'>, nowMs: number): PointStatus {
  if (p.checked_at) return Date.parse(p.checked_at) <= Date.parse(p.due_at) ? 'on_time' : 'late';
  return Date.parse(p.grace_until) <= nowMs ? 'missed' : 'pending';
}

export function toTour(t: TourRow, points: readonly TourPointRow[], places: ReadonlyMap<string, { lon: number; lat: number }>, nowMs: number): Tour {
  const sorted = [...points].sort((a, b) => a.seq - b.seq);
  const tp: TourPoint[] = sorted.map((p) => ({
    checkpointId: p.checkpoint_id,
    name: p.checkpoint_name,
    seq: p.seq,
    lon: places.get(p.checkpoint_id)?.lon ?? 0,
    lat: places.get(p.checkpoint_id)?.lat ?? 0,
    dueAt: p.due_at,
    checkedAt: p.checked_at,
    method: p.method as TourPoint['method'],
    guardId: p.guard_id,
    guardName: p.guard_name,
    status: pointStatus(p, nowMs),
    outOfOrder: p.out_of_order === 1,
  }));
  const done = tp.filter((p) => p.status === 'on_time' || p.status === 'late').length;
  const missed = tp.some((p) => p.status === 'missed');
  const pending = tp.some((p) => p.status === 'pending');
  const state: TourState = Date.parse(t.starts_at) > nowMs ? 'upcoming' : pending ? 'running' : missed ? 'incomplete' : 'done';
  return {
    id: t.id,
    universityId: t.university_id,
    routeId: t.route_id,
    routeName: t.route_name,
    ordered: t.ordered === 1,
    day: t.day,
    startsAt: t.starts_at,
    endsAt: t.ends_at,
    state,
    guardIds: routeGuards(t),
    walkedBy: [...new Set(tp.flatMap((p) => (p.guardName ? [p.guardName] : [])))],
    tooFast: t.too_fast === 1,
    planned: tp.length,
    done,
    points: tp,
  };
}

export const patrolRepository = {
  checkpoint: (db: PatrolDb, id: string) => db.selectFrom('patrol_checkpoints').selectAll().where('id', '=', id).executeTakeFirst(),
  checkpointByToken: (db: PatrolDb, token: string) => db.selectFrom('patrol_checkpoints').selectAll().where('token', '=', token).executeTakeFirst(),
  checkpointsByDevice: (db: PatrolDb, universityId: string, deviceId: string) =>
    db.selectFrom('patrol_checkpoints').selectAll().where('university_id', '=', universityId).where('device_id', '=', deviceId).execute(),
  checkpointsByIds: (db: PatrolDb, ids: readonly string[]) => (ids.length ? db.selectFrom('patrol_checkpoints').selectAll().where('id', 'in', [...new Set(ids)]).execute() : Promise.resolve([])),
  async listCheckpoints(db: PatrolDb, universityId: string | null, page: number, pageSize: number) {
    let q = db.selectFrom('patrol_checkpoints');
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('name').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },
  route: (db: PatrolDb, id: string) => db.selectFrom('patrol_routes').selectAll().where('id', '=', id).executeTakeFirst(),
  async listRoutes(db: PatrolDb, universityId: string | null, page: number, pageSize: number) {
    let q = db.selectFrom('patrol_routes');
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('name').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },
  enabledRoutes: (db: PatrolDb, universityId: string) => db.selectFrom('patrol_routes').selectAll().where('university_id', '=', universityId).where('enabled', '=', 1).orderBy('id').execute(),
  async universitiesWithRoutes(db: PatrolDb): Promise<string[]> {
    const rows = await db.selectFrom('patrol_routes').select('university_id').where('enabled', '=', 1).distinct().orderBy('university_id').execute();
    return rows.map((r) => r.university_id);
  },
  async routesUsing(db: PatrolDb, universityId: string, checkpointId: string): Promise<RouteRow[]> {
    const rows = await db.selectFrom('patrol_routes').selectAll().where('university_id', '=', universityId).execute();
    return rows.filter((r) => routePoints(r).some((p) => p.checkpointId === checkpointId));
  },
  toursByIds: (db: PatrolDb, ids: readonly string[]) => (ids.length ? db.selectFrom('patrol_tours').selectAll().where('id', 'in', [...new Set(ids)]).execute() : Promise.resolve([])),
  tourIdsExisting: async (db: PatrolDb, ids: readonly string[]) =>
    new Set(ids.length ? (await db.selectFrom('patrol_tours').select('id').where('id', 'in', [...ids]).execute()).map((r) => r.id) : []),
  pointsOf: (db: PatrolDb, tourIds: readonly string[]) => (tourIds.length ? db.selectFrom('patrol_tour_points').selectAll().where('tour_id', 'in', [...new Set(tourIds)]).execute() : Promise.resolve([])),
  async toursOfDay(db: PatrolDb, universityId: string | null, day: string, page: number, pageSize: number) {
    let q = db.selectFrom('patrol_tours').where('day', '=', day);
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('starts_at').orderBy('route_name').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },
  /** Tours that start before `startsBefore` and end after `endsAfter`. */
  toursAround: (db: PatrolDb, universityId: string, startsBefore: string, endsAfter: string) =>
    db.selectFrom('patrol_tours').selectAll().where('university_id', '=', universityId).where('starts_at', '<=', startsBefore).where('ends_at', '>=', endsAfter).orderBy('starts_at').orderBy('id').limit(200).execute(),
  /** The open points of a checkpoint a check-in at `at` may count for: its tour started, its grace not over. */
  openPointsAt: (db: PatrolDb, universityId: string, checkpointId: string, at: string) =>
    db
      .selectFrom('patrol_tour_points as p')
      .innerJoin('patrol_tours as t', 't.id', 'p.tour_id')
      .selectAll('p')
      .select(['t.starts_at', 't.route_id', 't.guard_ids as tour_guard_ids'])
      .where('p.university_id', '=', universityId)
      .where('p.checkpoint_id', '=', checkpointId)
      .where('p.checked_at', 'is', null)
      .where('t.starts_at', '<=', at)
      .where('p.grace_until', '>=', at)
      .orderBy('t.starts_at')
      .orderBy('p.id')
      .execute(),
  checkinByEvent: (db: PatrolDb, eventId: string) => db.selectFrom('patrol_checkins').select('id').where('event_id', '=', eventId).executeTakeFirst(),
};
