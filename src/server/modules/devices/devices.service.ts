import { uuid4 } from '../../util/uuid7.ts';
import { type ModuleDb, type Work, ownTables } from '../../store/tables.ts';
import { isIP } from 'node:net';
import { CAMERA_KINDS, type DeviceKind, type DeviceStatus } from '../../../shared/domain.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import { checkGbIdForDeviceKind, parseGbId } from '../../../shared/gb28181-id.ts';
import { validatePoint } from '../../../shared/geojson.ts';
import { beijingDate } from '../../../shared/beijing-time.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalid } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, scopeOf } from '../../http/policy.ts';
import { definedOnly } from '../../util/patch.ts';
import type { AuditService } from '../audit/index.ts';
import type { OrgService, UnitRef } from '../org/index.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Device, DeviceInput, DevicePatch, MaintenanceInput, MaintenanceRecord } from '../../../shared/devices.ts';
import { DevicesRepository, type DeviceQuery } from './devices.repository.ts';

/** A device in a few columns, for the hot paths of other modules. */
export interface DeviceIdentity {
  id: string;
  universityId: string;
  campusId: string;
  kind: DeviceKind;
  status: DeviceStatus;
}

/** Bulk writes at least this big refresh the store's statistics of the devices table. */
const ANALYZE_AFTER_ROWS = 1000;

/** Kinds whose video is recorded, so retention applies (S-RET-30/90). */
const RETENTION_KINDS: readonly DeviceKind[] = ['camera', 'lpr_camera', 'recorder'];

/** Field checks that a JSON schema cannot express; shared by the API and the Excel import. */
export function checkDeviceFields(d: DeviceInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const isCamera = CAMERA_KINDS.includes(d.kind);
  if (isCamera && !d.camera) problems.push({ field: 'camera', reason: `is required for a ${d.kind} (at least resolution and type)`, rule: 'required' });
  if (!isCamera && d.camera) problems.push({ field: 'camera', reason: `camera fields do not apply to a ${d.kind}`, rule: 'kind' });
  if (isCamera && d.camera) {
    if (!d.camera.resolution) problems.push({ field: 'camera.resolution', reason: 'is required', rule: 'required' });
    if (!d.camera.type) problems.push({ field: 'camera.type', reason: 'is required', rule: 'required' });
  }
  if (d.retentionDays != null && !RETENTION_KINDS.includes(d.kind)) problems.push({ field: 'retentionDays', reason: `a ${d.kind} records no video`, rule: 'kind' });
  if ((d.lon == null) !== (d.lat == null)) problems.push({ field: d.lon == null ? 'lon' : 'lat', reason: 'lon and lat are given together', rule: 'pair' });
  else if (d.lon != null && d.lat != null) problems.push(...validatePoint(d.lon, d.lat));
  if (d.ip && !isIP(d.ip)) problems.push({ field: 'ip', reason: 'is not an IPv4 or IPv6 address', rule: 'format' });
  if (d.gbId) {
    const parsed = parseGbId(d.gbId);
    if (!parsed.ok) problems.push({ field: 'gbId', reason: parsed.reason, rule: 'gb28181' });
    else {
      const mismatch = checkGbIdForDeviceKind(d.gbId, d.kind);
      if (mismatch) problems.push({ field: 'gbId', reason: mismatch, rule: 'gb28181' });
    }
  }
  if (d.installDate && d.warrantyEnd && d.warrantyEnd < d.installDate) problems.push({ field: 'warrantyEnd', reason: 'is before the install date', rule: 'order' });
  return problems;
}

export class DevicesService {
  constructor(
    private readonly db: ModuleDb<'devices'>,
    private readonly audit: AuditService,
    private readonly org: OrgService,
    private readonly clock: Clock,
    private readonly repo: DevicesRepository,
    private readonly bus?: Bus,
  ) {
    org.addDependents('devices', (work, unitId) => this.repo.countAt(ownTables<'devices'>(work), unitId));
  }

  async get(actor: Actor, id: string): Promise<Device> {
    return assertInScope(actor, await this.repo.find(this.db, id), (d) => d.universityId, 'device');
  }

  list(actor: Actor, q: Omit<DeviceQuery, 'universityId'> & { universityId?: string }) {
    return this.repo.list(this.db, { ...q, universityId: listScope(actor, q.universityId) });
  }

  /** Validates and builds a device without writing it (used by create, update and import). */
  async prepare(actor: Actor, input: DeviceInput, base?: Device, knownUnits?: ReadonlyMap<string, UnitRef>): Promise<Device> {
    const problems = checkDeviceFields(input);
    let location: Awaited<ReturnType<OrgService['resolveLocation']>> | undefined;
    try {
      location = await this.org.resolveLocation(actor, input, knownUnits);
    } catch (e) {
      if ((e as { details?: FieldProblem[] }).details) problems.push(...(e as { details: FieldProblem[] }).details);
      else throw e;
    }
    if (problems.length || !location) throw invalid(problems);
    const now = this.clock.nowIso();
    const cam = input.camera;
    return {
      id: base?.id ?? uuid4(),
      ...location,
      name: input.name,
      kind: input.kind,
      status: input.status ?? 'in_service',
      lon: input.lon ?? null,
      lat: input.lat ?? null,
      vendor: input.vendor ?? null,
      model: input.model ?? null,
      serial: input.serial ?? null,
      ip: input.ip ?? null,
      gbId: input.gbId ?? null,
      installDate: input.installDate ?? null,
      warrantyEnd: input.warrantyEnd ?? null,
      retentionDays: input.retentionDays ?? null,
      notes: input.notes ?? null,
      camera: cam
        ? {
            resolution: cam.resolution!,
            type: cam.type!,
            mountHeightM: cam.mountHeightM ?? null,
            bearingDeg: cam.bearingDeg ?? null,
            fovDeg: cam.fovDeg ?? null,
            rangeM: cam.rangeM ?? null,
            placement: cam.placement ?? null,
          }
        : null,
      createdAt: base?.createdAt ?? now,
      updatedAt: now,
    };
  }

  private async assertGbIdFree(device: Device) {
    if (!device.gbId) return;
    const other = await this.repo.findByGbId(this.db, device.universityId, device.gbId);
    if (other && other.id !== device.id) {
      throw conflict(`GB/T 28181 id ${device.gbId} is already used by device "${other.name}"`, [{ field: 'gbId', reason: `is already used by "${other.name}"`, rule: 'unique' }]);
    }
  }

  async create(actor: Actor, input: DeviceInput): Promise<Device> {
    const device = await this.prepare(actor, input);
    await this.assertGbIdFree(device);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insert(trx, device);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'device', entityId: device.id, universityId: device.universityId, after: device });
    });
    this.bus?.publish('ledger.device_changed', { deviceId: device.id }, { actorId: actor.id });
    return device;
  }

  async update(actor: Actor, id: string, patch: DevicePatch): Promise<Device> {
    const before = await this.get(actor, id);
    const merged: DeviceInput = { ...before, ...definedOnly(patch) };
    // Moving a device to another building clears the lower levels unless they are given too.
    if (patch.campusId !== undefined || patch.buildingId !== undefined || patch.floorId !== undefined) {
      if (patch.buildingId === undefined && patch.campusId !== undefined) merged.buildingId = null;
      if (patch.floorId === undefined && (patch.campusId !== undefined || patch.buildingId !== undefined)) merged.floorId = null;
      if (patch.areaId === undefined) merged.areaId = null;
    }
    if (patch.camera) merged.camera = { ...(before.camera ?? {}), ...definedOnly(patch.camera) };
    if (patch.kind && !CAMERA_KINDS.includes(patch.kind) && patch.camera === undefined) merged.camera = null;
    const after = await this.prepare(actor, merged, before);
    await this.assertGbIdFree(after);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.update(trx, after);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'device', entityId: id, universityId: after.universityId, before, after });
    });
    this.bus?.publish('ledger.device_changed', { deviceId: id }, { actorId: actor.id });
    return after;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const before = await this.get(actor, id);
    await this.db.transaction().execute(async (trx) => {
      const maintenance = await this.repo.listMaintenance(trx, id);
      await this.repo.delete(trx, id);
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'device', entityId: id, universityId: before.universityId, before: { ...before, maintenance } });
    });
    this.bus?.publish('ledger.device_changed', { deviceId: id }, { actorId: actor.id });
  }

  async listMaintenance(actor: Actor, deviceId: string): Promise<MaintenanceRecord[]> {
    await this.get(actor, deviceId);
    return this.repo.listMaintenance(this.db, deviceId);
  }

  async addMaintenance(actor: Actor, deviceId: string, input: MaintenanceInput): Promise<MaintenanceRecord> {
    const device = await this.get(actor, deviceId);
    // The date a maintainer writes is a Beijing date: between 00:00 and 08:00 Beijing time UTC is still on yesterday.
    const today = beijingDate(this.clock.now());
    if (input.date > today) throw invalid([{ field: 'date', reason: 'is in the future', rule: 'range' }]);
    const record: MaintenanceRecord = {
      id: uuid4(),
      deviceId,
      universityId: device.universityId,
      date: input.date,
      kind: input.kind,
      performedBy: input.performedBy,
      notes: input.notes ?? null,
      createdBy: actor.id,
      createdAt: this.clock.nowIso(),
    };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insertMaintenance(trx, record);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'maintenance_record', entityId: record.id, universityId: device.universityId, after: record });
    });
    return record;
  }

  /**
   * Devices made elsewhere (a ledger file import, each checked by `prepare`) written in one
   * transaction with one audit entry; a GB/T 28181 id taken meanwhile fails the whole batch.
   */
  async createMany(actor: Actor, devices: Device[], audit: { universityId: string; after: Record<string, unknown> }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insertMany(trx, devices);
      await this.audit.record(trx, actor, { action: 'import', entityType: 'device', entityId: null, universityId: audit.universityId, after: audit.after });
    });
    for (const d of devices) this.bus?.publish('ledger.device_changed', { deviceId: d.id }, { actorId: actor.id });
    if (devices.length >= ANALYZE_AFTER_ROWS) await this.repo.refreshStatistics(this.db);
  }

  /**
   * Writes checked devices and their maintenance records as they are, in the caller's
   * transaction `work`, without an audit entry of their own (the demo seed audits once).
   */
  async loadBulk(work: Work, devices: Device[], maintenance: MaintenanceRecord[]): Promise<void> {
    const db = ownTables<'devices'>(work);
    await this.repo.insertMany(db, devices);
    for (const m of maintenance) await this.repo.insertMaintenance(db, m);
  }

  // ---- reads for other modules: system work, the caller has checked the actor's scope ----

  /** Devices that have a position, for a campus map (the caller has scoped `universityId`). */
  mapPoints(universityId: string | null, campusId: string | undefined) {
    return this.repo.mapPoints(this.db, universityId, campusId);
  }

  /** Every device of a university (alarm linkage, maps). */
  ofUniversity(universityId: string): Promise<Device[]> {
    return this.repo.ofUniversity(this.db, universityId);
  }

  /** Devices by id; ids not found are absent. */
  byIds(ids: string[]): Promise<Device[]> {
    return ids.length ? this.repo.byIds(this.db, [...new Set(ids)]) : Promise.resolve([]);
  }

  /** Devices by GB/T 28181 id, in every university (a SIP registration names only the id). */
  byGbIds(gbIds: string[]): Promise<Device[]> {
    return gbIds.length ? this.repo.byGbIds(this.db, [...new Set(gbIds)]) : Promise.resolve([]);
  }

  /** Who a device is, in a few columns, for hot paths (ingest, health): by id, university or status. */
  identities(filter: { id?: string; universityId?: string; status?: DeviceStatus }): Promise<DeviceIdentity[]> {
    return this.repo.identities(this.db, filter);
  }

  /** GB/T 28181 ids and serials already in a university's ledger (a file import refuses them again). */
  identifiersOf(universityId: string) {
    return this.repo.identifiersOf(this.db, universityId);
  }
}
