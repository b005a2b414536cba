import { BEIJING_OFFSET_MS } from '../../../shared/beijing-time.ts';
import { CONTRACTOR_DEFAULT_SCHEDULE, PLATE_PATTERN, normalizePlate, type GatePassage, type GatePassageQuery, type Vehicle, type VehicleCreate, type VehicleInput, type VehiclePage, type VehicleQuery, type VehiclesOnCampus } from '../../../shared/vehicles.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalidField } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, writeScope } from '../../http/policy.ts';
import { writeJson } from '../../store/database.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import { toPassage, toVehicle, vehiclesRepository as repo, type VehicleRow } from './vehicles.repository.ts';

const PLATE = new RegExp(PLATE_PATTERN);
/** A guest pass (访客车辆临时通行证) lasts at most this long. */
const MAX_GUEST_PASS_DAYS = 31;

/**
 * 车辆名单: the plates a university lets in, on which list, for how long and at which hours; guest
 * passes need a director's approval. Every change is audited. The gate's decisions are in gate-decider.ts.
 */
export class VehiclesService {
  constructor(
    private readonly db: ModuleDb<'vehicles'>,
    private readonly devices: Pick<DevicesService, 'byIds'>,
    private readonly org: Pick<OrgService, 'isUniversity'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, q: VehicleQuery): Promise<VehiclePage> {
    const { rows, total } = await repo.list(this.db, listScope(actor, undefined), q);
    return { items: rows.map(toVehicle), total, page: q.page ?? 1, pageSize: q.pageSize ?? 50 };
  }

  async get(actor: Actor, id: string): Promise<Vehicle> {
    return toVehicle(await this.row(actor, id));
  }

  private async row(actor: Actor, id: string): Promise<VehicleRow> {
    return assertInScope(actor, await repo.find(this.db, id), (r) => r.university_id, 'vehicle');
  }

  async create(actor: Actor, { universityId: requested, ...input }: VehicleCreate): Promise<Vehicle> {
    const universityId = await writeScope(actor, requested, (id) => this.org.isUniversity(id));
    const fields = await this.checked(universityId, input, null);
    const now = this.clock.nowIso();
    const row: VehicleRow = { id: uuid7(), university_id: universityId, ...fields, approved_by: null, approved_at: null, status: 'active', inside: 0, last_passage_at: null, overstay_reported_at: null, created_at: now, updated_at: now };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('vehicles').values(row).execute();
      await this.audit.record(trx, actor, { action: 'create', entityType: 'vehicle', entityId: row.id, universityId, after: toVehicle(row) });
    });
    return toVehicle(row);
  }

  async update(actor: Actor, id: string, input: VehicleInput): Promise<Vehicle> {
    const before = await this.row(actor, id);
    const fields = await this.checked(before.university_id, input, id);
    // Clients only ever see the phone masked: leaving it out keeps the stored number (null clears it).
    if (input.ownerPhone === undefined) fields.owner_phone = before.owner_phone;
    // A guest's changed pass needs approving again.
    const reapprove = before.list === 'guest' && (fields.list !== 'guest' || fields.valid_from !== before.valid_from || fields.valid_until !== before.valid_until);
    const after: VehicleRow = { ...before, ...fields, ...(reapprove ? { approved_by: null, approved_at: null } : {}), updated_at: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('vehicles').set(after).where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'update', entityType: 'vehicle', entityId: id, universityId: before.university_id, before: toVehicle(before), after: toVehicle(after) });
    });
    return toVehicle(after);
  }

  /** Revoked, not deleted: its passages stay explained. */
  async revoke(actor: Actor, id: string): Promise<Vehicle> {
    const before = await this.row(actor, id);
    const after: VehicleRow = { ...before, status: 'revoked', updated_at: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('vehicles').set({ status: 'revoked', updated_at: after.updated_at }).where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'vehicle', entityId: id, universityId: before.university_id, before: toVehicle(before), after: toVehicle(after) });
    });
    return toVehicle(after);
  }

  /** 审批: a guest vehicle may enter within its pass once a director approved it. */
  async approve(actor: Actor, id: string): Promise<Vehicle> {
    const before = await this.row(actor, id);
    if (before.list !== 'guest') throw invalidField('list', 'only guest vehicles are approved; the other lists enter by their entry');
    if (before.status !== 'active') throw invalidField('status', 'the entry is revoked');
    const now = this.clock.nowIso();
    const after: VehicleRow = { ...before, approved_by: actor.displayName, approved_at: now, updated_at: now };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('vehicles').set({ approved_by: after.approved_by, approved_at: now, updated_at: now }).where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'approve', entityType: 'vehicle', entityId: id, universityId: before.university_id, before: toVehicle(before), after: toVehicle(after) });
    });
    return toVehicle(after);
  }

  /** The row fields from the input, checked: a valid and free plate, a sensible pass, the contractor's default hours. */
  private async checked(universityId: string, input: VehicleInput, id: string | null) {
    const plate = normalizePlate(input.plate);
    if (!PLATE.test(plate)) throw invalidField('plate', `${input.plate} is not a mainland plate (province, letter, 5 or 6 characters, e.g. 沪A12345 or 沪AD12345)`, 'pattern');
    const same = await repo.byPlate(this.db, universityId, plate);
    if (same && same.id !== id) throw conflict(`${plate} is already registered (${same.owner_name})`, [{ field: 'plate', reason: 'is registered in this university already', rule: 'unique' }]);
    const ownerName = input.ownerName.trim();
    if (!ownerName) throw invalidField('ownerName', 'must not be blank', 'required');
    const validFrom = input.validFrom ?? null;
    const validUntil = input.validUntil ?? null;
    if (validFrom && validUntil && Date.parse(validUntil) <= Date.parse(validFrom)) throw invalidField('validUntil', 'must be after validFrom');
    if (input.list === 'guest') {
      if (!validUntil) throw invalidField('validUntil', 'a guest vehicle gets a pass with an end (临时通行证)', 'required');
      const from = validFrom ? Date.parse(validFrom) : this.clock.now();
      if (Date.parse(validUntil) - from > MAX_GUEST_PASS_DAYS * 86_400_000) throw invalidField('validUntil', `a guest pass lasts at most ${MAX_GUEST_PASS_DAYS} days`);
    }
    const schedule = input.list === 'banned' ? null : (input.schedule ?? (input.list === 'contractor' ? CONTRACTOR_DEFAULT_SCHEDULE : null));
    return {
      plate,
      list: input.list,
      owner_name: ownerName,
      owner_phone: input.ownerPhone ?? null,
      owner_department: input.ownerDepartment?.trim() || null,
      valid_from: validFrom,
      valid_until: validUntil,
      schedule: schedule ? writeJson(schedule) : null,
      note: input.note?.trim() || null,
    };
  }

  /** The demo seed's vehicle list, inside its transaction. */
  async loadBulk(work: Work, rows: VehicleRow[]): Promise<void> {
    const db = ownTables<'vehicles'>(work);
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('vehicles').values(rows.slice(i, i + 200)).execute();
  }

  async passages(actor: Actor, q: GatePassageQuery): Promise<GatePassage[]> {
    const rows = await repo.passages(this.db, listScope(actor, undefined), q);
    const [devices, owners] = await Promise.all([this.devices.byIds(rows.map((r) => r.device_id)), repo.ownerNames(this.db, rows.flatMap((r) => (r.vehicle_id ? [r.vehicle_id] : [])))]);
    const names = new Map(devices.map((d) => [d.id, d.name]));
    return rows.map((r) => toPassage(r, names, owners));
  }

  /** 在校车辆 now, those overstaying their pass, and today's (Beijing) entries, exits and refusals per hour. */
  async onCampus(actor: Actor): Promise<VehiclesOnCampus> {
    const universityId = listScope(actor, undefined);
    let inside = this.db.selectFrom('vehicles').select(['id', 'plate', 'list', 'owner_name', 'valid_until']).where('inside', '=', 1).where('status', '=', 'active');
    if (universityId !== null) inside = inside.where('university_id', '=', universityId);
    const now = this.clock.now();
    const dayStart = new Date(Math.floor((now + BEIJING_OFFSET_MS) / 86_400_000) * 86_400_000 - BEIJING_OFFSET_MS).toISOString();
    let today = this.db.selectFrom('gate_passages').select(['at', 'direction', 'decision']).where('at', '>=', dayStart);
    if (universityId !== null) today = today.where('university_id', '=', universityId);
    const [rows, passages] = await Promise.all([inside.execute(), today.execute()]);
    const byList: Record<string, number> = {};
    for (const r of rows) byList[r.list] = (byList[r.list] ?? 0) + 1;
    const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, in: 0, out: 0, denied: 0 }));
    for (const p of passages) {
      const h = hours[new Date(Date.parse(p.at) + BEIJING_OFFSET_MS).getUTCHours()]!;
      if (p.decision === 'deny') h.denied++;
      else if (p.direction === 'in') h.in++;
      else h.out++;
    }
    const overstaying = rows
      .filter((r) => (r.list === 'guest' || r.list === 'contractor') && r.valid_until && Date.parse(r.valid_until) < now)
      .map((r) => ({ vehicleId: r.id, plate: r.plate, list: r.list as Vehicle['list'], ownerName: r.owner_name, validUntil: r.valid_until! }));
    return { inside: rows.length, byList, overstaying, today: hours };
  }
}
