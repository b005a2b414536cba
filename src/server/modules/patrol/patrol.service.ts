import { randomBytes } from 'node:crypto';
import { BEIJING_OFFSET_MS, beijingDate } from '../../../shared/beijing-time.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import {
  CHECKPOINT_TOKEN_PREFIX,
  distanceM,
  tokenFromScan,
  type Checkpoint,
  type CheckpointInput,
  type CheckpointPage,
  type CheckinMethod,
  type CheckinResult,
  type PatrolListQuery,
  type PatrolReport,
  type PhoneCheckin,
  type ReportQuery,
  type ReportRow,
  type Route,
  type RouteInput,
  type RoutePage,
  type Tour,
  type TourPage,
  type TourQuery,
} from '../../../shared/patrol.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalid, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, assertInScope, can, listScope, scopeOf, writeScope } from '../../http/policy.ts';
import { readJson, writeJson } from '../../store/database.ts';
import { ownTables, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import { patrolRepository as repo, pointStatus, routeGuards, routePoints, toCheckpoint, toRoute, toTour, type CheckpointRow, type PatrolDb, type RouteRow, type TourPointRow, type TourRow } from './patrol.repository.ts';

const MIN = 60_000;
/** Tours appear this long before they start (the guard's phone shows what comes next). */
export const TOUR_LEAD_MS = 60 * MIN;

/** A new checkpoint token: what its QR code carries (random; not derived from anything shown). */
export function newCheckpointToken(): string {
  return CHECKPOINT_TOKEN_PREFIX + randomBytes(12).toString('base64url');
}

/** Beijing wall-clock time on a date → instant. */
const atBeijing = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00.000Z`) - BEIJING_OFFSET_MS;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const isoWeekday = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
};

/** Whether a route runs on a date, with the school calendar: a makeup workday counts as Monday; holidays as the route says. */
export function routeRunsOn(route: { days: readonly number[]; holidays: string }, date: string, dayKind: string | undefined): boolean {
  if (dayKind === 'holiday') {
    if (route.holidays === 'run') return true;
    if (route.holidays === 'skip') return false;
    return route.days.includes(7);
  }
  if (dayKind === 'workday') return route.days.includes(1);
  return route.days.includes(isoWeekday(date));
}

/** A guard as a check-in names it. */
export interface Walker {
  id: string;
  name: string;
}

/**
 * 电子巡更: checkpoints and routes (set up by the security office, audited), tours made from the
 * routes' schedules (once each: the id is the route's and the start's), and check-ins matched to
 * the running tour of the checkpoint, from a checkpoint device, a QR code or GPS.
 */
export class PatrolService {
  /** The last minute tours were made for, per university (they are made at most once a minute). */
  private readonly ensured = new Map<string, number>();

  constructor(
    private readonly db: PatrolDb,
    private readonly devices: Pick<DevicesService, 'byIds'>,
    private readonly accounts: Pick<AccountsService, 'people'>,
    private readonly org: Pick<OrgService, 'unit' | 'isUniversity'>,
    private readonly calendar: Pick<CalendarService, 'daysOf'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  // ---- checkpoints ------------------------------------------------------------------------------

  private async deviceNames(rows: readonly CheckpointRow[]) {
    const devices = await this.devices.byIds(rows.flatMap((r) => (r.device_id ? [r.device_id] : [])));
    return new Map(devices.map((d) => [d.id, d.name]));
  }

  async listCheckpoints(actor: Actor, q: PatrolListQuery): Promise<CheckpointPage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 100;
    const { rows, total } = await repo.listCheckpoints(this.db, listScope(actor, q.universityId), page, pageSize);
    const names = await this.deviceNames(rows);
    return { items: rows.map((r) => toCheckpoint(r, names, can(actor, 'patrol.write'))), total, page, pageSize };
  }

  private async checkpointRow(actor: Actor, id: string) {
    return assertInScope(actor, await repo.checkpoint(this.db, id), (r) => r.university_id, 'checkpoint');
  }

  async getCheckpoint(actor: Actor, id: string): Promise<Checkpoint> {
    const row = await this.checkpointRow(actor, id);
    return toCheckpoint(row, await this.deviceNames([row]), can(actor, 'patrol.write'));
  }

  private async checkCheckpointInput(universityId: string, input: CheckpointInput): Promise<void> {
    const problems: FieldProblem[] = [];
    if (!input.name.trim()) problems.push({ field: 'name', reason: 'must not be blank', rule: 'required' });
    if (input.campusId) {
      const campus = await this.org.unit(input.campusId);
      if (campus?.kind !== 'campus' || campus.universityId !== universityId) problems.push({ field: 'campusId', reason: 'no such campus', rule: 'exists' });
    }
    if (input.deviceId) {
      const [device] = await this.devices.byIds([input.deviceId]);
      if (!device || device.universityId !== universityId) problems.push({ field: 'deviceId', reason: 'no such device', rule: 'exists' });
    }
    if (problems.length) throw invalid(problems);
  }

  async createCheckpoint(actor: Actor, input: CheckpointInput): Promise<Checkpoint> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    await this.checkCheckpointInput(universityId, input);
    const now = this.clock.nowIso();
    const row: CheckpointRow = {
      id: uuid7(),
      university_id: universityId,
      campus_id: input.campusId ?? null,
      name: input.name.trim(),
      lon: input.lon,
      lat: input.lat,
      radius_m: input.radiusM ?? 30,
      device_id: input.deviceId ?? null,
      token: newCheckpointToken(),
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('patrol_checkpoints').values(row).execute();
      await this.audit.record(trx, actor, { action: 'patrol_checkpoint_created', entityType: 'patrol_checkpoint', entityId: row.id, universityId, after: { ...row, token: undefined } });
    });
    return this.getCheckpoint(actor, row.id);
  }

  async updateCheckpoint(actor: Actor, id: string, input: CheckpointInput): Promise<Checkpoint> {
    const before = await this.checkpointRow(actor, id);
    await this.checkCheckpointInput(before.university_id, input);
    const patch = { name: input.name.trim(), lon: input.lon, lat: input.lat, radius_m: input.radiusM ?? before.radius_m, campus_id: input.campusId ?? null, device_id: input.deviceId ?? null, updated_at: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('patrol_checkpoints').set(patch).where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'patrol_checkpoint_updated', entityType: 'patrol_checkpoint', entityId: id, universityId: before.university_id, before: { ...before, token: undefined }, after: patch });
    });
    return this.getCheckpoint(actor, id);
  }

  /** A new QR code for a checkpoint (the printed one was lost or copied); the old one stops working. */
  async reissueToken(actor: Actor, id: string): Promise<Checkpoint> {
    const before = await this.checkpointRow(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('patrol_checkpoints').set({ token: newCheckpointToken(), updated_at: this.clock.nowIso() }).where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'patrol_checkpoint_token_reissued', entityType: 'patrol_checkpoint', entityId: id, universityId: before.university_id });
    });
    return this.getCheckpoint(actor, id);
  }

  async deleteCheckpoint(actor: Actor, id: string): Promise<void> {
    const before = await this.checkpointRow(actor, id);
    const using = await repo.routesUsing(this.db, before.university_id, id);
    if (using.length) throw conflict(`the checkpoint is on route ${using.map((r) => r.name).join('、')}; take it off the route first`);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('patrol_checkpoints').where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'patrol_checkpoint_deleted', entityType: 'patrol_checkpoint', entityId: id, universityId: before.university_id, before: { ...before, token: undefined } });
    });
  }

  // ---- routes -----------------------------------------------------------------------------------

  private async presentRoutes(rows: readonly RouteRow[]): Promise<Route[]> {
    const cps = await repo.checkpointsByIds(this.db, rows.flatMap((r) => routePoints(r).map((p) => p.checkpointId)));
    const cpNames = new Map(cps.map((c) => [c.id, c.name]));
    const people = await this.accounts.people(rows.flatMap(routeGuards));
    const guardNames = new Map(people.map((p) => [p.id, p.displayName]));
    return rows.map((r) => toRoute(r, cpNames, guardNames));
  }

  async listRoutes(actor: Actor, q: PatrolListQuery): Promise<RoutePage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 100;
    const { rows, total } = await repo.listRoutes(this.db, listScope(actor, q.universityId), page, pageSize);
    return { items: await this.presentRoutes(rows), total, page, pageSize };
  }

  private async routeRow(actor: Actor, id: string) {
    return assertInScope(actor, await repo.route(this.db, id), (r) => r.university_id, 'route');
  }

  async getRoute(actor: Actor, id: string): Promise<Route> {
    return (await this.presentRoutes([await this.routeRow(actor, id)]))[0];
  }

  private async checkRouteInput(universityId: string, input: RouteInput): Promise<void> {
    const problems: FieldProblem[] = [];
    if (!input.name.trim()) problems.push({ field: 'name', reason: 'must not be blank', rule: 'required' });
    const cps = new Map((await repo.checkpointsByIds(this.db, input.points.map((p) => p.checkpointId))).map((c) => [c.id, c]));
    const seen = new Set<string>();
    input.points.forEach((p, i) => {
      const c = cps.get(p.checkpointId);
      if (!c || c.university_id !== universityId) problems.push({ field: `points[${i}].checkpointId`, reason: 'no such checkpoint', rule: 'exists' });
      else if (seen.has(p.checkpointId)) problems.push({ field: `points[${i}].checkpointId`, reason: `${c.name} is on the route twice`, rule: 'unique' });
      seen.add(p.checkpointId);
      if (input.ordered && i > 0 && p.withinMin < input.points[i - 1].withinMin) problems.push({ field: `points[${i}].withinMin`, reason: 'an ordered route’s windows may not end earlier than the previous checkpoint’s', rule: 'order' });
    });
    const guards = new Map((await this.accounts.people(input.guardIds)).map((g) => [g.id, g]));
    input.guardIds.forEach((id, i) => {
      const g = guards.get(id);
      if (!g || g.universityId !== universityId || g.disabled) problems.push({ field: `guardIds[${i}]`, reason: 'no such account', rule: 'exists' });
      else if (g.role !== 'guard') problems.push({ field: `guardIds[${i}]`, reason: `${g.displayName} is not a guard`, rule: 'role' });
    });
    if (problems.length) throw invalid(problems);
  }

  private routeValues(input: RouteInput) {
    return {
      name: input.name.trim(),
      ordered: input.ordered ? 1 : 0,
      points: writeJson(input.points.map((p) => ({ checkpointId: p.checkpointId, withinMin: p.withinMin }))),
      min_step_s: input.minStepS,
      late_grace_min: input.lateGraceMin,
      start_times: writeJson([...input.startTimes].sort()),
      days: writeJson([...input.days].sort()),
      holidays: input.holidays,
      guard_ids: writeJson(input.guardIds),
      enabled: input.enabled ? 1 : 0,
    };
  }

  async createRoute(actor: Actor, input: RouteInput): Promise<Route> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    await this.checkRouteInput(universityId, input);
    const now = this.clock.nowIso();
    const row: RouteRow = { id: uuid7(), university_id: universityId, ...this.routeValues(input), created_at: now, updated_at: now };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('patrol_routes').values(row).execute();
      await this.audit.record(trx, actor, { action: 'patrol_route_created', entityType: 'patrol_route', entityId: row.id, universityId, after: input });
    });
    this.ensured.delete(universityId);
    return this.getRoute(actor, row.id);
  }

  /** Tours not yet started of a route go (they are made again from the route as it is now, if it still runs then). */
  private async dropUpcomingTours(trx: PatrolDb, routeId: string): Promise<void> {
    const upcoming = trx.selectFrom('patrol_tours').select('id').where('route_id', '=', routeId).where('starts_at', '>', this.clock.nowIso());
    await trx.deleteFrom('patrol_tour_points').where('tour_id', 'in', upcoming).execute();
    await trx.deleteFrom('patrol_tours').where('route_id', '=', routeId).where('starts_at', '>', this.clock.nowIso()).execute();
  }

  /** Tours already started keep the route as it was; the next ones follow the change. */
  async updateRoute(actor: Actor, id: string, input: RouteInput): Promise<Route> {
    const before = await this.routeRow(actor, id);
    await this.checkRouteInput(before.university_id, input);
    const values = { ...this.routeValues(input), updated_at: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('patrol_routes').set(values).where('id', '=', id).execute();
      await this.dropUpcomingTours(trx, id);
      await this.audit.record(trx, actor, { action: 'patrol_route_updated', entityType: 'patrol_route', entityId: id, universityId: before.university_id, before, after: input });
    });
    this.ensured.delete(before.university_id);
    return this.getRoute(actor, id);
  }

  async deleteRoute(actor: Actor, id: string): Promise<void> {
    const before = await this.routeRow(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('patrol_routes').where('id', '=', id).execute();
      await this.dropUpcomingTours(trx, id);
      await this.audit.record(trx, actor, { action: 'patrol_route_deleted', entityType: 'patrol_route', entityId: id, universityId: before.university_id, before });
    });
    this.ensured.delete(before.university_id);
  }

  // ---- tours ------------------------------------------------------------------------------------

  /**
   * Makes the tours of the university's enabled routes that start by `atMs` + the lead (today's
   * and yesterday's starts, not before the route existed). Each tour once: its id is the route's
   * and the start's. The points copy the route as it is then.
   */
  async ensureTours(universityId: string, atMs: number): Promise<void> {
    const minute = Math.floor(atMs / MIN);
    if (this.ensured.get(universityId) === minute) return;
    const routes = await repo.enabledRoutes(this.db, universityId);
    if (!routes.length) return void this.ensured.set(universityId, minute);
    const calendar = await this.calendar.daysOf(universityId);
    const today = beijingDate(atMs);
    const wanted: { route: RouteRow; date: string; startMs: number; id: string }[] = [];
    for (const route of routes) {
      const r = { days: readJson<number[]>(route.days), holidays: route.holidays };
      const createdMs = Date.parse(route.created_at);
      for (const date of [addDays(today, -1), today, addDays(today, 1)]) {
        if (!routeRunsOn(r, date, calendar.get(date))) continue;
        for (const hhmm of readJson<string[]>(route.start_times)) {
          const startMs = atBeijing(date, hhmm);
          if (startMs > atMs + TOUR_LEAD_MS || startMs + TOUR_LEAD_MS < createdMs) continue;
          // A tour far in the past is of no use any more (the server was down): leave it out.
          if (startMs < atMs - 36 * 3_600_000) continue;
          wanted.push({ route, date, startMs, id: `${route.id}@${new Date(startMs).toISOString()}` });
        }
      }
    }
    const existing = await repo.tourIdsExisting(this.db, wanted.map((w) => w.id));
    const missing = wanted.filter((w) => !existing.has(w.id));
    if (missing.length) {
      const cps = new Map((await repo.checkpointsByIds(this.db, missing.flatMap((w) => routePoints(w.route).map((p) => p.checkpointId)))).map((c) => [c.id, c]));
      const now = this.clock.nowIso();
      for (const w of missing) {
        const points = routePoints(w.route).filter((p) => cps.has(p.checkpointId));
        if (!points.length) continue;
        const grace = w.route.late_grace_min * MIN;
        const endMs = w.startMs + Math.max(...points.map((p) => p.withinMin)) * MIN + grace;
        const tour: TourRow = {
          id: w.id,
          university_id: universityId,
          route_id: w.route.id,
          route_name: w.route.name,
          ordered: w.route.ordered,
          // The Beijing date of the start (a tour at 00:30 belongs to that day).
          day: beijingDate(w.startMs),
          starts_at: new Date(w.startMs).toISOString(),
          ends_at: new Date(endMs).toISOString(),
          min_step_s: w.route.min_step_s,
          guard_ids: writeJson(routeGuards(w.route)),
          too_fast: 0,
          too_fast_reported_at: null,
          created_at: now,
        };
        const rows: TourPointRow[] = points.map((p, i) => ({
          id: `${w.id}#${i + 1}`,
          tour_id: w.id,
          university_id: universityId,
          checkpoint_id: p.checkpointId,
          checkpoint_name: cps.get(p.checkpointId)!.name,
          seq: i + 1,
          due_at: new Date(w.startMs + p.withinMin * MIN).toISOString(),
          grace_until: new Date(w.startMs + p.withinMin * MIN + grace).toISOString(),
          checked_at: null,
          method: null,
          guard_id: null,
          guard_name: null,
          out_of_order: 0,
          missed_reported_at: null,
          late_reported_at: null,
          order_reported_at: null,
        }));
        await this.db.transaction().execute(async (trx) => {
          const inserted = await trx.insertInto('patrol_tours').values(tour).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) await trx.insertInto('patrol_tour_points').values(rows).execute();
        });
      }
    }
    this.ensured.set(universityId, minute);
  }

  /** Tours made for every university with routes (the evaluation job). */
  async ensureAllTours(atMs: number): Promise<void> {
    for (const u of await repo.universitiesWithRoutes(this.db)) await this.ensureTours(u, atMs);
  }

  private async presentTours(rows: readonly TourRow[]): Promise<Tour[]> {
    const points = await repo.pointsOf(this.db, rows.map((r) => r.id));
    const cps = await repo.checkpointsByIds(this.db, points.map((p) => p.checkpoint_id));
    const places = new Map(cps.map((c) => [c.id, { lon: c.lon, lat: c.lat }]));
    const byTour = new Map<string, TourPointRow[]>();
    for (const p of points) byTour.set(p.tour_id, [...(byTour.get(p.tour_id) ?? []), p]);
    const now = this.clock.now();
    return rows.map((t) => toTour(t, byTour.get(t.id) ?? [], places, now));
  }

  /** The tours of a day (Beijing), in start order. */
  async tours(actor: Actor, q: TourQuery): Promise<TourPage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 100;
    const universityId = listScope(actor, q.universityId);
    if (universityId) await this.ensureTours(universityId, this.clock.now());
    const { rows, total } = await repo.toursOfDay(this.db, universityId, q.date ?? beijingDate(this.clock.now()), page, pageSize);
    return { items: await this.presentTours(rows), total, page, pageSize };
  }

  /** A guard's phone: the tours running now or starting within the hour (the guard's own first), and those just ended. */
  async myTours(actor: Actor): Promise<Tour[]> {
    const universityId = scopeOf(actor);
    if (!universityId) return [];
    const now = this.clock.now();
    await this.ensureTours(universityId, now);
    const rows = await repo.toursAround(this.db, universityId, new Date(now + TOUR_LEAD_MS).toISOString(), new Date(now - 30 * MIN).toISOString());
    const mine = (t: TourRow) => (routeGuards(t).includes(actor.id) ? 0 : 1);
    const sorted = [...rows].sort((a, b) => mine(a) - mine(b) || (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0));
    return this.presentTours(sorted.slice(0, 20));
  }

  // ---- check-ins --------------------------------------------------------------------------------

  /**
   * A check-in at a checkpoint at `atMs`: counts for the open point of that checkpoint in a tour
   * that has started and whose grace is not over, preferring the route the device names, then a
   * tour the guard is assigned to, then the earliest. Out of order when a later point of an
   * ordered route was checked before it; too fast when it follows the tour's previous check-in sooner
   * than the route's least walking time. Returns null when no tour takes it (it is still logged).
   */
  async checkin(c: { checkpoint: CheckpointRow; atMs: number; method: CheckinMethod; guard: Walker | null; eventId: string | null; routeHint?: string; distanceM?: number }): Promise<{ tourId: string; point: TourPointRow } | null> {
    const cp = c.checkpoint;
    await this.ensureTours(cp.university_id, c.atMs);
    const at = new Date(c.atMs).toISOString();
    const open = await repo.openPointsAt(this.db, cp.university_id, cp.id, at);
    const rank = (p: (typeof open)[number]) => (c.routeHint && p.route_id === c.routeHint ? 0 : 2) + (c.guard && routeGuards({ guard_ids: p.tour_guard_ids }).includes(c.guard.id) ? 0 : 1);
    const candidates = [...open].sort((a, b) => rank(a) - rank(b) || (a.starts_at < b.starts_at ? -1 : 1));
    let taken: { tourId: string; point: TourPointRow } | null = null;
    for (const p of candidates) {
      const siblings = await repo.pointsOf(this.db, [p.tour_id]);
      const [tour] = await repo.toursByIds(this.db, [p.tour_id]);
      // Out of order: a later checkpoint of an ordered route was checked already (the guard came back). A checkpoint passed by is missed, not this.
      const outOfOrder = tour.ordered === 1 && siblings.some((s) => s.seq > p.seq && s.checked_at !== null && s.checked_at <= at);
      const previous = siblings.filter((s) => s.checked_at && s.checked_at <= at).sort((a, b) => (a.checked_at! < b.checked_at! ? 1 : -1))[0];
      const tooFast = tour.min_step_s > 0 && previous !== undefined && c.atMs - Date.parse(previous.checked_at!) < tour.min_step_s * 1000;
      const updated = await this.db
        .updateTable('patrol_tour_points')
        .set({ checked_at: at, method: c.method, guard_id: c.guard?.id ?? null, guard_name: c.guard?.name ?? null, out_of_order: outOfOrder ? 1 : 0 })
        .where('id', '=', p.id)
        .where('checked_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) continue; // another check-in took it meanwhile
      if (tooFast) await this.db.updateTable('patrol_tours').set({ too_fast: 1 }).where('id', '=', tour.id).execute();
      taken = { tourId: tour.id, point: { ...p, checked_at: at, method: c.method, guard_id: c.guard?.id ?? null, guard_name: c.guard?.name ?? null, out_of_order: outOfOrder ? 1 : 0 } };
      break;
    }
    await this.db
      .insertInto('patrol_checkins')
      .values({ id: c.eventId ? `ev-${c.eventId}` : uuid7(), university_id: cp.university_id, checkpoint_id: cp.id, tour_id: taken?.tourId ?? null, at, method: c.method, guard_id: c.guard?.id ?? null, guard_name: c.guard?.name ?? null, event_id: c.eventId, distance_m: c.distanceM ?? null })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return taken;
  }

  /** The guard's phone checks in by the token (read from the QR code or the NFC tag) or by position; refused (400) outside the fence or with no tour running. */
  async phoneCheckin(actor: Actor, body: PhoneCheckin): Promise<{ result: CheckinResult; checkpoint: CheckpointRow }> {
    const universityId = scopeOf(actor);
    if (!universityId) throw invalidField('role', 'only a university’s guards check in');
    let cp: CheckpointRow | undefined;
    let distance: number | undefined;
    let method: CheckinMethod;
    let field: string;
    if ('token' in body) {
      field = 'token';
      method = body.via ?? 'qr';
      cp = await repo.checkpointByToken(this.db, tokenFromScan(body.token));
      if (!cp || cp.university_id !== universityId) throw invalidField('token', 'not a checkpoint code of this university', 'exists');
    } else {
      field = 'checkpointId';
      method = 'gps';
      cp = await repo.checkpoint(this.db, body.checkpointId);
      if (!cp || cp.university_id !== universityId) throw notFound('checkpoint');
      distance = distanceM(body, cp);
      if (distance > cp.radius_m) throw invalidField('lon', `${Math.round(distance)} m from ${cp.name}: outside its ${cp.radius_m} m fence; scan its QR code instead`, 'geofence');
    }
    const [me] = await this.accounts.people([actor.id]);
    const taken = await this.checkin({ checkpoint: cp, atMs: this.clock.now(), method, guard: { id: actor.id, name: me?.displayName ?? actor.displayName }, eventId: null, distanceM: distance });
    if (!taken) throw invalidField(field, `no tour through ${cp.name} is running now`, 'tour');
    const [tourRow] = await repo.toursByIds(this.db, [taken.tourId]);
    const [tour] = await this.presentTours([tourRow]);
    return {
      result: { checkpointName: cp.name, status: pointStatus(taken.point, this.clock.now()), outOfOrder: taken.point.out_of_order === 1, tour },
      checkpoint: cp,
    };
  }

  // ---- report -----------------------------------------------------------------------------------

  /**
   * 巡更报表: per guard, route and day — planned and checked checkpoints, on time, late, missed,
   * out of order, tours too fast, completion and minutes late. A tour counts for the guard who
   * made most of its check-ins, else its first assigned guard, else nobody.
   */
  async report(actor: Actor, q: ReportQuery): Promise<PatrolReport> {
    const date = q.date ?? beijingDate(this.clock.now());
    const universityId = listScope(actor, q.universityId);
    if (universityId) await this.ensureTours(universityId, this.clock.now());
    const { rows } = await repo.toursOfDay(this.db, universityId, date, 1, 2000);
    const tours = await this.presentTours(rows);
    const people = await this.accounts.people(tours.flatMap((t) => [...t.guardIds, ...t.points.flatMap((p) => (p.guardId ? [p.guardId] : []))]));
    const names = new Map(people.map((p) => [p.id, p.displayName]));
    const lines = new Map<string, ReportRow>();
    for (const t of tours) {
      const counts = new Map<string, number>();
      for (const p of t.points) if (p.guardId) counts.set(p.guardId, (counts.get(p.guardId) ?? 0) + 1);
      const walker = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? t.guardIds[0] ?? null;
      const key = `${walker ?? ''}|${t.routeId}`;
      const guardName = walker ? (names.get(walker) ?? t.points.find((p) => p.guardId === walker)?.guardName ?? walker) : null;
      const line = lines.get(key) ?? { universityId: t.universityId, day: date, guardId: walker, guardName, routeId: t.routeId, routeName: t.routeName, tours: 0, planned: 0, done: 0, onTime: 0, late: 0, missed: 0, pending: 0, outOfOrder: 0, tooFastTours: 0, completionPct: 0, lateMin: 0 };
      line.tours++;
      line.planned += t.planned;
      line.done += t.done;
      for (const p of t.points) {
        if (p.status === 'on_time') line.onTime++;
        else if (p.status === 'late') {
          line.late++;
          line.lateMin += Math.ceil((Date.parse(p.checkedAt!) - Date.parse(p.dueAt)) / MIN);
        } else if (p.status === 'missed') line.missed++;
        else line.pending++;
        if (p.outOfOrder) line.outOfOrder++;
      }
      if (t.tooFast) line.tooFastTours++;
      line.completionPct = line.planned ? Math.round((line.done / line.planned) * 1000) / 10 : 0;
      lines.set(key, line);
    }
    const out = [...lines.values()].sort((a, b) => (a.routeName < b.routeName ? -1 : a.routeName > b.routeName ? 1 : (a.guardName ?? '') < (b.guardName ?? '') ? -1 : 1));
    return { date, rows: out };
  }

  // ---- demo ---------------------------------------------------------------------------------------

  /** Writes the demo's checkpoints and routes in the seeding transaction `work` (no audit entry of its own). */
  async loadBulk(work: Work, checkpoints: CheckpointRow[], routes: RouteRow[]): Promise<void> {
    const db = ownTables<'patrol'>(work);
    if (checkpoints.length) await db.insertInto('patrol_checkpoints').values(checkpoints).execute();
    if (routes.length) await db.insertInto('patrol_routes').values(routes).execute();
  }
}
