import { sql, type Selectable } from 'kysely';
import { deviceSearchText } from '../../../shared/device-search.ts';
import type { CameraFields, Device, DeviceSort, MaintenanceRecord } from '../../../shared/devices.ts';
import type { DeviceKind, DeviceStatus, MaintenanceKind } from '../../../shared/domain.ts';
import type { Dialect } from '../../store/database.ts';
import type { DeviceTable, MaintenanceRecordTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'devices'>;

const SORT_COLUMN: Record<DeviceSort, keyof DeviceTable> = {
  name: 'name',
  kind: 'kind',
  status: 'status',
  createdAt: 'created_at',
  installDate: 'install_date',
  warrantyEnd: 'warranty_end',
};

export interface DeviceQuery {
  universityId: string | null;
  kind?: DeviceKind[];
  status?: DeviceStatus[];
  campusId?: string;
  buildingId?: string;
  floorId?: string;
  areaId?: string;
  cameraResolution?: string;
  warrantyEndBefore?: string;
  q?: string;
  sort: DeviceSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export function toDevice(r: Selectable<DeviceTable>): Device {
  return {
    id: r.id,
    universityId: r.university_id,
    campusId: r.campus_id,
    buildingId: r.building_id,
    floorId: r.floor_id,
    areaId: r.area_id,
    name: r.name,
    kind: r.kind as DeviceKind,
    status: r.status as DeviceStatus,
    lon: r.lon,
    lat: r.lat,
    vendor: r.vendor,
    model: r.model,
    serial: r.serial,
    ip: r.ip,
    gbId: r.gb_id,
    installDate: r.install_date,
    warrantyEnd: r.warranty_end,
    retentionDays: r.retention_days,
    notes: r.notes,
    camera: r.camera_resolution
      ? {
          resolution: r.camera_resolution as CameraFields['resolution'],
          type: (r.camera_type ?? 'fixed') as CameraFields['type'],
          mountHeightM: r.mount_height_m,
          bearingDeg: r.bearing_deg,
          fovDeg: r.fov_deg,
          rangeM: r.range_m,
          placement: r.placement as CameraFields['placement'],
        }
      : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function fromDevice(d: Device): Selectable<DeviceTable> {
  return {
    id: d.id,
    university_id: d.universityId,
    campus_id: d.campusId,
    building_id: d.buildingId,
    floor_id: d.floorId,
    area_id: d.areaId,
    name: d.name,
    kind: d.kind,
    status: d.status,
    lon: d.lon,
    lat: d.lat,
    vendor: d.vendor,
    model: d.model,
    serial: d.serial,
    ip: d.ip,
    gb_id: d.gbId,
    install_date: d.installDate,
    warranty_end: d.warrantyEnd,
    retention_days: d.retentionDays,
    notes: d.notes,
    camera_resolution: d.camera?.resolution ?? null,
    camera_type: d.camera?.type ?? null,
    mount_height_m: d.camera?.mountHeightM ?? null,
    bearing_deg: d.camera?.bearingDeg ?? null,
    fov_deg: d.camera?.fovDeg ?? null,
    range_m: d.camera?.rangeM ?? null,
    placement: d.camera?.placement ?? null,
    search_text: deviceSearchText(d),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

const toRecord = (r: Selectable<MaintenanceRecordTable>): MaintenanceRecord => ({
  id: r.id,
  deviceId: r.device_id,
  universityId: r.university_id,
  date: r.date,
  kind: r.kind as MaintenanceKind,
  performedBy: r.performed_by,
  notes: r.notes,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export class DevicesRepository {
  constructor(private readonly dialect: Dialect) {}

  async find(db: Db, id: string): Promise<Device | undefined> {
    const r = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toDevice(r);
  }

  async findByGbId(db: Db, universityId: string, gbId: string): Promise<Device | undefined> {
    const r = await db.selectFrom('devices').selectAll().where('university_id', '=', universityId).where('gb_id', '=', gbId).executeTakeFirst();
    return r && toDevice(r);
  }

  async byGbIds(db: Db, gbIds: string[]): Promise<Device[]> {
    const rows = await db.selectFrom('devices').selectAll().where('gb_id', 'in', gbIds).execute();
    return rows.map(toDevice);
  }

  async list(db: Db, q: DeviceQuery): Promise<{ items: Device[]; total: number }> {
    let query = db.selectFrom('devices');
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.kind?.length) query = query.where('kind', 'in', q.kind);
    if (q.status?.length) query = query.where('status', 'in', q.status);
    if (q.campusId) query = query.where('campus_id', '=', q.campusId);
    if (q.buildingId) query = query.where('building_id', '=', q.buildingId);
    if (q.floorId) query = query.where('floor_id', '=', q.floorId);
    if (q.areaId) query = query.where('area_id', '=', q.areaId);
    if (q.cameraResolution) query = query.where('camera_resolution', '=', q.cameraResolution);
    if (q.warrantyEndBefore) query = query.where('warranty_end', '<', q.warrantyEndBefore);
    if (q.q) {
      // One column, lower-cased on write: a plain LIKE, not six case-insensitive ones per row.
      const pattern = '%' + q.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
      query = query.where(sql<boolean>`search_text LIKE ${pattern} ESCAPE '\\'`);
    }
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy(SORT_COLUMN[q.sort], q.order)
      .orderBy('id', q.order) // a stable order across pages
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { total: Number(total), items: rows.map(toDevice) };
  }

  async ofUniversity(db: Db, universityId: string): Promise<Device[]> {
    return (await db.selectFrom('devices').selectAll().where('university_id', '=', universityId).execute()).map(toDevice);
  }

  async byIds(db: Db, ids: string[]): Promise<Device[]> {
    const out: Device[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await db.selectFrom('devices').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute()).map(toDevice));
    return out;
  }

  async identities(db: Db, f: { id?: string; universityId?: string; status?: DeviceStatus }) {
    let q = db.selectFrom('devices').select(['id', 'university_id', 'campus_id', 'kind', 'status']);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.universityId !== undefined) q = q.where('university_id', '=', f.universityId);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    const rows = await q.execute();
    return rows.map((r) => ({ id: r.id, universityId: r.university_id, campusId: r.campus_id, kind: r.kind as DeviceKind, status: r.status as DeviceStatus }));
  }

  async identifiersOf(db: Db, universityId: string) {
    const rows = await db
      .selectFrom('devices')
      .select(['name', 'gb_id', 'serial'])
      .where('university_id', '=', universityId)
      .where((eb) => eb.or([eb('gb_id', 'is not', null), eb('serial', 'is not', null)]))
      .execute();
    return rows.map((r) => ({ name: r.name, gbId: r.gb_id, serial: r.serial }));
  }

  /** Devices placed at an org unit at any level (an org unit in use is not deleted). */
  async countAt(db: Db, unitId: string): Promise<number> {
    const r = await db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('campus_id', '=', unitId), eb('building_id', '=', unitId), eb('floor_id', '=', unitId), eb('area_id', '=', unitId)]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * PostgreSQL plans ledger queries from table statistics; after a bulk import they are stale
   * until autovacuum's ANALYZE (up to a minute), and the first queries pick poor plans.
   */
  async refreshStatistics(db: Db) {
    if (this.dialect === 'postgres') await sql`ANALYZE devices`.execute(db).catch(() => {});
  }

  /** Devices that have a position, in the columns a campus map draws. */
  async mapPoints(db: Db, universityId: string | null, campusId: string | undefined) {
    let q = db
      .selectFrom('devices')
      .select(['id', 'name', 'kind', 'status', 'campus_id', 'building_id', 'floor_id', 'lon', 'lat', 'camera_resolution', 'bearing_deg', 'fov_deg', 'range_m'])
      .where('lon', 'is not', null)
      .where('lat', 'is not', null);
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    if (campusId) q = q.where('campus_id', '=', campusId);
    return q.execute();
  }
  async insert(db: Db, d: Device) {
    await db.insertInto('devices').values(fromDevice(d)).execute();
  }

  async insertMany(db: Db, list: Device[]) {
    // Chunked so one statement stays under SQLite's bound-parameter limit.
    for (let i = 0; i < list.length; i += 500) await db.insertInto('devices').values(list.slice(i, i + 500).map(fromDevice)).execute();
  }

  async update(db: Db, d: Device) {
    const { id: _id, ...rest } = fromDevice(d);
    await db.updateTable('devices').set(rest).where('id', '=', d.id).execute();
  }

  async delete(db: Db, id: string) {
    await db.deleteFrom('maintenance_records').where('device_id', '=', id).execute();
    await db.deleteFrom('devices').where('id', '=', id).execute();
  }

  async listMaintenance(db: Db, deviceId: string): Promise<MaintenanceRecord[]> {
    const rows = await db.selectFrom('maintenance_records').selectAll().where('device_id', '=', deviceId).orderBy('date', 'desc').orderBy('created_at', 'desc').execute();
    return rows.map(toRecord);
  }

  async insertMaintenance(db: Db, m: MaintenanceRecord) {
    await db
      .insertInto('maintenance_records')
      .values({
        id: m.id,
        device_id: m.deviceId,
        university_id: m.universityId,
        date: m.date,
        kind: m.kind,
        performed_by: m.performedBy,
        notes: m.notes,
        created_by: m.createdBy,
        created_at: m.createdAt,
      })
      .execute();
  }
}
