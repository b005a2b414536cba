import { isIP } from 'node:net';
import type { OnvifCameraInput, OnvifCameraView, OnvifConnectionInput } from '../../../shared/onvif.ts';
import { CAMERA_KINDS, type CameraResolution } from '../../../shared/domain.ts';
import type { Clock } from '../../clock.ts';
import { conflict, deviceUnreachable, invalid, invalidField, notFound } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import { OnvifError, probeCamera, type OnvifProbe, type OnvifTarget } from './onvif-client.ts';
import { OnvifCamerasRepository, type OnvifCameraRow } from './onvif-cameras.repository.ts';
import type { OnvifCameras } from './onvif-cameras.ts';

/** The ledger's resolution class of a main stream this wide (below 1280: the smallest digital class, 720p). */
export function resolutionOf(width: number | null): CameraResolution {
  if (width === null) return '1080p';
  if (width >= 3840) return '4k';
  if (width >= 1920) return '1080p';
  return '720p';
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** What people ask of ONVIF cameras: add one, read what it is, ask it again. */
export class OnvifService {
  private readonly repo = new OnvifCamerasRepository();

  constructor(
    private readonly db: ModuleDb<'onvif'>,
    private readonly cameras: OnvifCameras,
    private readonly devices: Pick<DevicesService, 'get' | 'prepare' | 'create' | 'delete'>,
    private readonly health: Pick<DeviceHealthService, 'markSeen'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Adds a camera by address and credentials: linked to an existing ledger camera (`deviceId`),
   * or entered into the ledger in `campusId` with resolution and PTZ from what it reports. The
   * camera is asked first, so nothing is written for a camera that cannot be reached.
   */
  async add(actor: Actor, input: OnvifCameraInput): Promise<OnvifCameraView> {
    if (Boolean(input.deviceId) === Boolean(input.campusId)) {
      throw invalidField(input.deviceId ? 'campusId' : 'deviceId', 'give deviceId (a camera already in the ledger) or campusId (enter a new one), one of the two');
    }
    const target: OnvifTarget = { host: input.host.trim(), port: input.port ?? 80, username: input.username, password: input.password };
    let universityId: string;
    if (input.deviceId) {
      const device = await this.devices.get(actor, input.deviceId); // 404 outside the actor's university
      if (!CAMERA_KINDS.includes(device.kind)) throw invalidField('deviceId', `is a ${device.kind}, not a camera`);
      if (await this.repo.find(this.db, device.id)) throw conflict(`"${device.name}" is already an ONVIF camera`, [{ field: 'deviceId', reason: 'already added; refresh it instead', rule: 'unique' }]);
      universityId = device.universityId;
    } else {
      // The place is checked before the camera is asked (another university's campus is a 400 naming campusId).
      const placed = await this.devices.prepare(actor, { name: input.name ?? 'ONVIF', kind: 'camera', campusId: input.campusId, camera: { resolution: '1080p', type: 'fixed' } });
      universityId = placed.universityId;
    }
    const taken = await this.repo.findByAddress(this.db, universityId, target.host, target.port);
    if (taken) throw conflict(`${target.host}:${target.port} is already added`, [{ field: 'host', reason: `is already the ONVIF address of device ${taken.deviceId}`, rule: 'unique' }]);

    const probe = await this.asking(() => probeCamera(target, this.cameras.settings.timeoutMs));
    const main = probe.profiles[0];
    const deviceId =
      input.deviceId ??
      (
        await this.devices.create(actor, {
          name: (input.name ?? ([probe.manufacturer, probe.model].filter(Boolean).join(' ') || `ONVIF ${target.host}`)).slice(0, 100),
          kind: 'camera',
          campusId: input.campusId,
          vendor: probe.manufacturer?.slice(0, 100) ?? null,
          model: probe.model?.slice(0, 100) ?? null,
          serial: probe.serial?.slice(0, 100) ?? null,
          ip: isIP(target.host) ? target.host : null,
          camera: { resolution: resolutionOf(main?.width ?? null), type: probe.hasPtz ? 'ptz' : 'fixed' },
        })
      ).id;
    const now = this.clock.nowIso();
    try {
      await this.repo.insert(this.db, { deviceId, universityId, ...target }, probe, now);
    } catch (err) {
      // Someone added the same camera meanwhile: the ledger camera made for this request goes again.
      if (!input.deviceId) await this.devices.delete(actor, deviceId).catch(() => undefined);
      if (isUniqueViolation(err)) throw conflict(`${target.host}:${target.port} was added meanwhile`, [{ field: 'host', reason: 'was added by another request', rule: 'unique' }]);
      throw err;
    }
    this.health.markSeen(deviceId, universityId, this.clock.now());
    const row = (await this.repo.find(this.db, deviceId))!;
    this.cameras.follow(row);
    return this.viewOf(row);
  }

  async view(actor: Actor, deviceId: string): Promise<OnvifCameraView> {
    return this.viewOf(await this.camera(actor, deviceId));
  }

  /** Asks the camera again (profiles, URIs, presets change when someone reconfigures it). */
  async refresh(actor: Actor, deviceId: string): Promise<OnvifCameraView> {
    const row = await this.camera(actor, deviceId);
    let probe: OnvifProbe;
    try {
      probe = await this.asking(() => probeCamera(row, this.cameras.settings.timeoutMs));
    } catch (err) {
      await this.repo.saveError(this.db, deviceId, (err as Error).message, this.clock.nowIso());
      throw err;
    }
    await this.repo.saveProbe(this.db, deviceId, probe, this.clock.nowIso());
    this.health.markSeen(row.deviceId, row.universityId, this.clock.now());
    return this.viewOf((await this.repo.find(this.db, deviceId))!);
  }

  /** A new address or new credentials (the camera's password was changed): kept only once the camera accepts them; the subscription restarts with them. */
  async reconnect(actor: Actor, deviceId: string, input: OnvifConnectionInput): Promise<OnvifCameraView> {
    const row = await this.camera(actor, deviceId);
    const target: OnvifTarget = { host: input.host.trim(), port: input.port ?? 80, username: input.username, password: input.password };
    const taken = await this.repo.findByAddress(this.db, row.universityId, target.host, target.port);
    if (taken && taken.deviceId !== deviceId) throw conflict(`${target.host}:${target.port} is already added`, [{ field: 'host', reason: `is already the ONVIF address of device ${taken.deviceId}`, rule: 'unique' }]);
    const probe = await this.asking(() => probeCamera(target, this.cameras.settings.timeoutMs));
    await this.repo.saveTarget(this.db, deviceId, target, probe, this.clock.nowIso());
    const saved = (await this.repo.find(this.db, deviceId))!;
    this.health.markSeen(saved.deviceId, saved.universityId, this.clock.now());
    this.cameras.follow(saved);
    return this.viewOf(saved);
  }

  private async camera(actor: Actor, deviceId: string): Promise<OnvifCameraRow> {
    const device = await this.devices.get(actor, deviceId); // 404 outside the actor's university
    const row = await this.repo.find(this.db, device.id);
    if (!row) throw notFound(`ONVIF camera ${device.name}`);
    return row;
  }

  /** The camera's failure as the answer: unreachable 504, credentials or not-ONVIF 400. */
  private async asking<T>(ask: () => Promise<T>): Promise<T> {
    try {
      return await ask();
    } catch (err) {
      if (!(err instanceof OnvifError)) throw err;
      switch (err.reason) {
        case 'unreachable':
          throw deviceUnreachable(err.message);
        case 'unauthorized':
          throw invalid([{ field: 'password', reason: err.message, rule: 'onvif' }], err.message);
        case 'not_onvif':
          throw invalid([{ field: 'port', reason: err.message, rule: 'onvif' }], err.message);
        default:
          throw invalid([{ field: 'host', reason: err.message, rule: 'onvif' }], err.message);
      }
    }
  }

  private viewOf(r: OnvifCameraRow): OnvifCameraView {
    return {
      deviceId: r.deviceId,
      host: r.host,
      port: r.port,
      username: r.username,
      manufacturer: r.manufacturer,
      model: r.model,
      firmware: r.firmware,
      serial: r.serial,
      hasPtz: r.hasPtz,
      profiles: r.profiles,
      snapshotUri: r.snapshotUri,
      presets: r.presets,
      clockOffsetMs: r.clockOffsetMs,
      refreshedAt: r.refreshedAt,
      lastError: r.lastError,
      lastErrorAt: r.lastErrorAt,
      events: this.cameras.statusOf(r.deviceId),
    };
  }
}
