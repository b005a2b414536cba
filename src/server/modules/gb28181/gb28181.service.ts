import { conflict, deviceUnreachable, invalidField } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import { can } from '../../http/policy.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { DevicesService } from '../devices/index.ts';
import { GbDevicesRepository } from './gb-devices.repository.ts';
import type { PtzInput } from '../../../shared/gb28181.ts';
import { ptzMove, ptzPreset } from '../../adapters/gb28181/ptz.ts';
import { GbQueryError, type GbPlatform } from './gb-platform.ts';

/** The longest window one RecordInfo query may cover. */
const MAX_RECORD_WINDOW_MS = 31 * 86_400_000;

/** What people ask of GB/T 28181 access (the SIP side is GbPlatform). */
export class Gb28181Service {
  private readonly repo = new GbDevicesRepository();

  constructor(
    private readonly db: ModuleDb<'gb28181'>,
    private readonly platform: GbPlatform,
    private readonly devices: Pick<DevicesService, 'get'>,
    private readonly settings: { platformId: string; domain: string; port: () => number },
  ) {}

  async diagnostics(actor: Actor, deviceId: string) {
    const device = await this.devices.get(actor, deviceId); // 404 outside the actor's university
    const row = await this.repo.find(this.db, deviceId);
    return { registered: Boolean(device.gbId && this.platform.registrationOf(device.gbId)?.deviceId === device.id), device: row ?? null };
  }

  /** Asks the device for its channels now (also done when it registers); new cameras enter the ledger. */
  async queryCatalog(actor: Actor, deviceId: string) {
    const device = await this.devices.get(actor, deviceId);
    const reg = device.gbId ? this.platform.registrationOf(device.gbId) : undefined;
    if (!reg || reg.deviceId !== device.id) throw conflict('the device is not registered over GB/T 28181', [{ field: 'gbId', reason: device.gbId ? 'has not registered (or its registration expired)' : 'is not set', rule: 'registered' }]);
    return this.platform.queryCatalog(reg);
  }

  /** DeviceInfo of the registered device the ledger device is (or hangs off). */
  async deviceInfo(actor: Actor, deviceId: string) {
    const route = await this.route(actor, deviceId);
    return this.asking(() => this.platform.deviceInfo(route.reg));
  }

  async deviceStatus(actor: Actor, deviceId: string) {
    const route = await this.route(actor, deviceId);
    return this.asking(() => this.platform.deviceStatus(route.reg));
  }

  /** The recordings a recorder holds for this camera (or for itself) between `from` and `to`. */
  async records(actor: Actor, deviceId: string, from: string, to: string) {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (!(toMs > fromMs)) throw invalidField('to', 'must be after from');
    if (toMs - fromMs > MAX_RECORD_WINDOW_MS) throw invalidField('to', 'the window may span at most 31 days');
    const route = await this.route(actor, deviceId);
    return this.asking(() => this.platform.recordInfo(route.reg, route.channelGbId, fromMs, toMs));
  }

  /** Steers a PTZ camera (move until stop, stop, presets); resolves once the device has accepted it. */
  async ptz(actor: Actor, deviceId: string, input: PtzInput): Promise<{ accepted: true }> {
    const device = await this.devices.get(actor, deviceId);
    if (device.kind !== 'camera' || device.camera?.type !== 'ptz') throw invalidField('deviceId', 'is not a PTZ camera in the ledger');
    if (input.action.endsWith('_preset') && input.preset === undefined) throw invalidField('preset', `is needed to ${input.action.replace('_', ' ')}`);
    const cmd =
      input.action === 'move'
        ? ptzMove({ pan: sign(input.pan), tilt: sign(input.tilt), zoom: sign(input.zoom) }, input.speed ?? 30)
        : input.action === 'stop'
          ? ptzMove({})
          : ptzPreset(input.action === 'goto_preset' ? 'goto' : input.action === 'set_preset' ? 'set' : 'delete', input.preset!);
    const route = await this.route(actor, deviceId);
    await this.asking(async () => {
      const answer = await this.platform.control(route, cmd).catch((err: Error) => {
        throw new GbQueryError(408, `DeviceControl: ${err.message}`);
      });
      if (answer.status !== 200) throw new GbQueryError(answer.status!, `DeviceControl answered ${answer.status} ${answer.reason ?? ''}`.trim());
    });
    return { accepted: true };
  }

  private async route(actor: Actor, deviceId: string) {
    await this.devices.get(actor, deviceId); // 404 outside the actor's university
    const route = await this.platform.routeOf(deviceId);
    if (!route) throw conflict('the device is not reachable over GB/T 28181', [{ field: 'gbId', reason: 'neither the device nor its recorder is registered', rule: 'registered' }]);
    return route;
  }

  private async asking<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      if (!(err instanceof GbQueryError)) throw err;
      throw err.status === 408 ? deviceUnreachable(err.message) : conflict(`the device refused: ${err.message}`, [{ field: 'device', reason: err.message, rule: 'gb28181' }]);
    }
  }

  status(actor: Actor) {
    // Ids that are in no ledger belong to no university: only city-wide administrators see them.
    const unknownDevices = actor.universityId === null && can(actor, 'device.write') ? [...this.platform.unknownDevices].map(([gbId, u]) => ({ gbId, ...u })).reverse() : [];
    return { platformId: this.settings.platformId, domain: this.settings.domain, port: this.settings.port(), registered: this.platform.registeredCount, onlineChannels: this.platform.onlineChannelCount, unknownDevices };
  }
}

const sign = (v: number | undefined) => (v === 1 ? 1 : v === -1 ? -1 : 0) as -1 | 0 | 1;
