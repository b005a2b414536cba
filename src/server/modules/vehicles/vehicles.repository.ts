import { sql } from 'kysely';
import type { GatePassage, GatePassageQuery, Vehicle, VehicleQuery } from '../../../shared/vehicles.ts';
import { maskPhone } from '../../../shared/personal-data.ts';
import type { ScheduleT } from '../../../shared/alarms.ts';
import { readJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { GatePassageTable, VehicleTable } from '../../store/schema.ts';

export type VehicleRow = VehicleTable;
type Db = ModuleDb<'vehicles'>;

export function toVehicle(r: VehicleRow): Vehicle {
  return {
    id: r.id,
    universityId: r.university_id,
    plate: r.plate,
    list: r.list as Vehicle['list'],
    ownerName: r.owner_name,
    ownerPhone: r.owner_phone ? maskPhone(r.owner_phone) : null,
    ownerDepartment: r.owner_department,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    schedule: r.schedule ? readJson<ScheduleT>(r.schedule) : null,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    note: r.note,
    status: r.status as Vehicle['status'],
    inside: r.inside === 1,
    lastPassageAt: r.last_passage_at,
    updatedAt: r.updated_at,
  };
}

export function toPassage(r: GatePassageTable, names: ReadonlyMap<string, string>, owners: ReadonlyMap<string, string>): GatePassage {
  return {
    id: r.id,
    universityId: r.university_id,
    at: r.at,
    deviceId: r.device_id,
    deviceName: names.get(r.device_id) ?? r.device_id,
    barrierId: r.barrier_id,
    plate: r.plate,
    direction: r.direction as GatePassage['direction'],
    confidence: r.confidence,
    decision: r.decision as GatePassage['decision'],
    reason: r.reason as GatePassage['reason'],
    vehicleId: r.vehicle_id,
    list: r.list as GatePassage['list'],
    ownerName: r.vehicle_id ? (owners.get(r.vehicle_id) ?? null) : null,
    barrier: r.barrier as GatePassage['barrier'],
    barrierMs: r.barrier_ms,
  };
}

/** Escapes LIKE wildcards in what a user typed. */
const likeTerm = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const vehiclesRepository = {
  async list(db: Db, universityId: string | null, q: VehicleQuery): Promise<{ rows: VehicleRow[]; total: number }> {
    let base = db.selectFrom('vehicles');
    if (universityId !== null) base = base.where('university_id', '=', universityId);
    if (q.list) base = base.where('list', '=', q.list);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.inside !== undefined) base = base.where('inside', '=', q.inside ? 1 : 0);
    if (q.q?.trim()) {
      const term = likeTerm(q.q.trim().toUpperCase());
      const name = likeTerm(q.q.trim());
      base = base.where((eb) => eb.or([eb('plate', 'like', sql<string>`${term} escape '\\'`), eb('owner_name', 'like', sql<string>`${name} escape '\\'`)]));
    }
    const pageSize = q.pageSize ?? 50;
    const page = q.page ?? 1;
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('plate').limit(pageSize).offset((page - 1) * pageSize).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },

  find: (db: Db, id: string) => db.selectFrom('vehicles').selectAll().where('id', '=', id).executeTakeFirst(),

  byPlate: (db: Db, universityId: string, plate: string) => db.selectFrom('vehicles').selectAll().where('university_id', '=', universityId).where('plate', '=', plate).executeTakeFirst(),

  async passages(db: Db, universityId: string | null, q: GatePassageQuery): Promise<GatePassageTable[]> {
    let s = db.selectFrom('gate_passages').selectAll();
    if (universityId !== null) s = s.where('university_id', '=', universityId);
    if (q.plate?.trim()) s = s.where('plate', 'like', sql<string>`${likeTerm(q.plate.trim().toUpperCase())} escape '\\'`);
    if (q.decision) s = s.where('decision', '=', q.decision);
    if (q.deviceId) s = s.where('device_id', '=', q.deviceId);
    if (q.from) s = s.where('at', '>=', q.from);
    if (q.to) s = s.where('at', '<', q.to);
    return s.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit ?? 100).execute();
  },

  ownerNames: async (db: Db, ids: string[]) =>
    new Map(ids.length ? (await db.selectFrom('vehicles').select(['id', 'owner_name']).where('id', 'in', [...new Set(ids)]).execute()).map((r) => [r.id, r.owner_name]) : []),
};
