/** Device ingest (设备接入): MQTT and HTTP messages checked, stored as events or kept as dead letters; device credentials. */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { DeviceCredentialsService } from './device-credentials.service.ts';
import { DeviceDirectory } from './device-directory.ts';
import { DeviceMessageHandler } from './device-message-handler.ts';
import { ingestRoutes } from './ingest.routes.ts';
import { IngestService } from './ingest.service.ts';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';

export { IngestService, type IngestResult } from './ingest.service.ts';
export { DeviceCredentialsService, topicsOf, type IssuedCredentials } from './device-credentials.service.ts';
export { DeviceMessageHandler, type AccessAnswerer, type DeviceReplier } from './device-message-handler.ts';
export { DEAD_LETTER_RAW_MAX_BYTES, DEAD_LETTERS_PER_DEVICE_PER_HOUR, FAILED_AUTH_PER_ADDRESS_PER_MINUTE } from './ingest-guard.ts';

export function createIngestModule(d: { db: Kysely<DB>; devices: DevicesService; writer: EventWriter; health: DeviceHealthService; audit: AuditService; clock: Clock; bus: EventBus; sipRealm: string }) {
  const bus = new ModuleBus(d.bus);
  const directory = new DeviceDirectory(ownTables<'ingest'>(d.db), d.devices, bus);
  const ingest = new IngestService(ownTables<'ingest'>(d.db), d.writer, directory, d.clock);
  const credentials = new DeviceCredentialsService(ownTables<'ingest'>(d.db), d.devices, directory, d.audit, d.clock, d.sipRealm);
  const deviceMessages = new DeviceMessageHandler(ingest, d.health);
  const face: ModuleFace = {
    name: 'ingest',
    bus,
    tables: tablesOf('ingest'),
    routes: (app) => ingestRoutes(app, { ingest, credentials, health: d.health }),
    start: async ({ log }) => {
      // One query instead of one per device during the reconnect storm after a restart.
      const known = await directory.preload();
      log.info({ devices: known }, 'device directory loaded');
    },
  };
  return { face, ingest, credentials, deviceMessages };
}
