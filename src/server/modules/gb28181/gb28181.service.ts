import { conflict } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import { can } from '../../http/policy.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { DevicesService } from '../devices/index.ts';
import { GbDevicesRepository } from './gb-devices.repository.ts';
import type { GbPlatform } from './gb-platform.ts';

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

  status(actor: Actor) {
    // Ids that are in no ledger belong to no university: only city-wide administrators see them.
    const unknownDevices = actor.universityId === null && can(actor, 'device.write') ? [...this.platform.unknownDevices].map(([gbId, u]) => ({ gbId, ...u })).reverse() : [];
    return { platformId: this.settings.platformId, domain: this.settings.domain, port: this.settings.port(), registered: this.platform.registeredCount, unknownDevices };
  }
}
