import { sql } from 'kysely';
import { BEIJING_OFFSET_MS } from '../../../shared/beijing-time.ts';
import { maskIdNumber, maskPhone } from '../../../shared/personal-data.ts';
import type { Visit, VisitLogEntry, VisitQuery } from '../../../shared/visitors.ts';
import { readJson } from '../../store/database.ts';
import type { VisitLogTable, VisitTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

export type VisitRow = VisitTable;
export type VisitLogRow = VisitLogTable;
type Db = ModuleDb<'visitors'>;

export const gateIdsOf = (r: Pick<VisitRow, 'gate_ids'>): string[] => readJson<string[]>(r.gate_ids);

export const visitSearchText = (r: Pick<VisitRow, 'visitor_name' | 'host_name' | 'plate'>) => [r.visitor_name, r.host_name, r.plate ?? ''].join('\n').toLowerCase();

/** A visit as it may be shown: phone and id number masked, the pass token left out (GET /api/visits/:id/pass gives it). */
export function toVisit(r: VisitRow, gateNames: ReadonlyMap<string, string>, nowMs: number): Visit {
  const gateIds = gateIdsOf(r);
  return {
    id: r.id,
    universityId: r.university_id,
    campusId: r.campus_id,
    visitorName: r.visitor_name,
    visitorPhone: maskPhone(r.visitor_phone),
    visitorIdNumber: r.visitor_id_number === null ? null : maskIdNumber(r.visitor_id_number),
    plate: r.plate,
    hostId: r.host_id,
    hostName: r.host_name,
    reason: r.reason,
    windowFrom: r.window_from,
    windowTo: r.window_to,
    gateIds,
    gateNames: gateIds.map((id) => gateNames.get(id) ?? id),
    state: r.state as Visit['state'],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
    checkedInAt: r.checked_in_at,
    checkedOutAt: r.checked_out_at,
    overstaying: r.state === 'checked_in' && Date.parse(r.window_to) <= nowMs,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toLogEntry(r: VisitLogRow, deviceNames: ReadonlyMap<string, string>): VisitLogEntry {
  return {
    id: r.id,
    visitId: r.visit_id,
    at: r.at,
    action: r.action as VisitLogEntry['action'],
    refusal: r.refusal as VisitLogEntry['refusal'],
    direction: r.direction as VisitLogEntry['direction'],
    deviceId: r.device_id,
    deviceName: r.device_id ? (deviceNames.get(r.device_id) ?? r.device_id) : null,
    actorName: r.actor_name,
    note: r.note,
  };
}

/** Escapes LIKE wildcards in what a user typed. */
const likeTerm = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Start and end of the Beijing day that holds `ms`, as ISO instants. */
export function beijingDay(ms: number): { from: string; to: string } {
  const start = Math.floor((ms + BEIJING_OFFSET_MS) / 86_400_000) * 86_400_000 - BEIJING_OFFSET_MS;
  return { from: new Date(start).toISOString(), to: new Date(start + 86_400_000).toISOString() };
}

export const visitorsRepository = {
  find: (db: Db, id: string) => db.selectFrom('visits').selectAll().where('id', '=', id).executeTakeFirst(),

  byToken: (db: Db, token: string) => db.selectFrom('visits').selectAll().where('pass_token', '=', token).executeTakeFirst(),

  async list(db: Db, universityId: string | null, q: VisitQuery & { hostId?: string }, nowMs: number): Promise<{ rows: VisitRow[]; total: number }> {
    let base = db.selectFrom('visits');
    if (universityId !== null) base = base.where('university_id', '=', universityId);
    if (q.hostId) base = base.where('host_id', '=', q.hostId);
    if (q.state) base = base.where('state', '=', q.state);
    if (q.q?.trim()) base = base.where('search_text', 'like', sql<string>`${likeTerm(q.q.trim().toLowerCase())} escape '\\'`);
    const view = q.view ?? 'all';
    if (view === 'pending') base = base.where('state', '=', 'pending');
    if (view === 'on_campus') base = base.where('state', '=', 'checked_in');
    if (view === 'today') {
      // Visits whose window overlaps today (Beijing), and anyone still inside from before.
      const day = beijingDay(nowMs);
      base = base.where((eb) => eb.or([eb.and([eb('window_from', '<', day.to), eb('window_to', '>', day.from)]), eb('state', '=', 'checked_in')]));
    }
    const pageSize = q.pageSize ?? 50;
    const page = q.page ?? 1;
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('window_from', view === 'all' ? 'desc' : 'asc').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },

  insert: (db: Db, row: VisitRow) => db.insertInto('visits').values(row).execute(),

  /** Writes `changes` only while the visit is still in state `from` (two guards at two gates, a guard and a reader): false when it was not. */
  async transition(db: Db, id: string, from: string, changes: Partial<VisitRow>): Promise<boolean> {
    const res = await db.updateTable('visits').set(changes).where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  },

  log: (db: Db, entry: VisitLogRow) => db.insertInto('visit_log').values(entry).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst(),

  logEntryExists: async (db: Db, id: string) => !!(await db.selectFrom('visit_log').select('id').where('id', '=', id).executeTakeFirst()),

  logOf: (db: Db, visitId: string) => db.selectFrom('visit_log').selectAll().where('visit_id', '=', visitId).orderBy('at').orderBy('id').execute(),

  /** Approved or pending visits whose window ended unused. */
  unusedPast: (db: Db, now: string) => db.selectFrom('visits').selectAll().where('state', 'in', ['pending', 'approved']).where('window_to', '<=', now).limit(500).execute(),

  /** Visitors inside after their window, not reported yet. */
  overstaying: (db: Db, now: string) => db.selectFrom('visits').selectAll().where('state', '=', 'checked_in').where('window_to', '<=', now).where('overstay_reported_at', 'is', null).limit(500).execute(),

  lastGateIn: (db: Db, visitId: string) =>
    db.selectFrom('visit_log').select('device_id').where('visit_id', '=', visitId).where('action', '=', 'checked_in').orderBy('at', 'desc').limit(1).executeTakeFirst(),
};
