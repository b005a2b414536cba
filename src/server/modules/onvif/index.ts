/**
 * ONVIF cameras (Profile S): added by address and credentials, what they are read with the
 * `onvif` package (device information, profiles, RTSP URIs, PTZ presets), their events pulled
 * from a pull-point subscription into the normal ingest path, and PTZ presets called by linkage.
 */
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import type { IngestService } from '../ingest/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { OnvifCameras } from './onvif-cameras.ts';
import { onvifRoutes } from './onvif.routes.ts';
import { OnvifService } from './onvif.service.ts';

export { OnvifCameras, type OnvifCommand } from './onvif-cameras.ts';
export { OnvifService } from './onvif.service.ts';
export { mapNotification } from './onvif-events.ts';

export function createOnvifModule(d: { db: Kysely<DB>; config: Config; devices: DevicesService; ingest: IngestService; health: DeviceHealthService; clock: Clock; bus: EventBus }) {
  const db = ownTables<'onvif'>(d.db);
  const cameras = new OnvifCameras(db, d.ingest, d.health, d.clock, { timeoutMs: d.config.XIAOAN_ONVIF_TIMEOUT_MS, retryBaseMs: 1_000, retryMaxMs: 60_000 });
  const bus = new ModuleBus(d.bus);
  // A camera deleted from the ledger (its row goes with it, by cascade) is no longer pulled.
  bus.subscribe('ledger.device_changed', ({ deviceId }) => void cameras.forgetIfGone(deviceId));
  const onvif = new OnvifService(db, cameras, d.devices, d.health, d.clock);
  const face: ModuleFace = {
    name: 'onvif',
    tables: tablesOf('onvif'),
    bus,
    routes: (app) => onvifRoutes(app, onvif),
    start: async ({ log }) => {
      const n = await cameras.start();
      if (n) log.info({ cameras: n }, 'ONVIF event subscriptions starting');
    },
    stop: () => cameras.stop(),
  };
  return { face, onvif, onvifCameras: cameras };
}
