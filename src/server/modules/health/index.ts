/** Device health (在线状态): online/offline from heartbeats and traffic, and the online rate over time. */
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { DB } from '../../store/schema.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { deviceHealthRoutes } from './device-health.routes.ts';
import { DeviceHealthService } from './device-health.service.ts';

export { DeviceHealthService } from './device-health.service.ts';

export function createHealthModule(d: { db: Kysely<DB>; config: Config; devices: DevicesService; writer: EventWriter; clock: Clock; bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const health = new DeviceHealthService(ownTables<'health'>(d.db), d.devices, d.writer, bus, d.clock, {
    heartbeatIntervalS: d.config.XIAOAN_HEARTBEAT_INTERVAL_S,
    offlineAfterMissed: d.config.XIAOAN_OFFLINE_AFTER_MISSED,
  });
  const face: ModuleFace = {
    name: 'health',
    bus,
    tables: tablesOf('health'),
    publishes: ['device.status_changed'],
    routes: (app) => deviceHealthRoutes(app, health),
    start: async () => {
      await health.load();
      health.start();
    },
    stop: () => health.stop(),
  };
  return { face, health };
}
