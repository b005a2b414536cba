/** Device ledger (设备台账): every device with its place, camera fields and maintenance records. */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Store } from '../../store/database.ts';
import type { AuditService } from '../audit/index.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { DevicesRepository } from './devices.repository.ts';
import { devicesRoutes } from './devices.routes.ts';
import { DevicesService } from './devices.service.ts';

export { DevicesService, checkDeviceFields, type DeviceIdentity } from './devices.service.ts';
export type { DeviceQuery } from './devices.repository.ts';

export function createDevicesModule(d: { store: Store; audit: AuditService; org: OrgService; clock: Clock; bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const devices = new DevicesService(ownTables<'devices'>(d.store.db), d.audit, d.org, d.clock, new DevicesRepository(d.store.dialect), bus);
  const face: ModuleFace = { name: 'devices', bus, tables: tablesOf('devices'), publishes: ['ledger.device_changed'], routes: (app) => devicesRoutes(app, devices) };
  return { face, devices };
}
