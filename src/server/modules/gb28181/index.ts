/**
 * GB/T 28181 device access (国标接入): the SIP server cameras and recorders register with, their
 * keepalives and alarms, and per-device diagnostics. The SIP sockets are the adapter's
 * (adapters/gb28181); the composition root binds them and attaches them here.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { sipDomainOf, type Config } from '../../config.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import type { DeviceCredentialsService, IngestService } from '../ingest/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { gb28181Routes } from './gb28181.routes.ts';
import { Gb28181Service } from './gb28181.service.ts';
import { GbPlatform } from './gb-platform.ts';

export { GbPlatform, gbDate, type GbCommand, type CatalogSync } from './gb-platform.ts';
export { Gb28181Service } from './gb28181.service.ts';

export function createGb28181Module(d: {
  db: Kysely<DB>;
  config: Config;
  devices: DevicesService;
  credentials: DeviceCredentialsService;
  ingest: IngestService;
  health: DeviceHealthService;
  clock: Clock;
}) {
  const db = ownTables<'gb28181'>(d.db);
  const domain = sipDomainOf(d.config);
  const platform = new GbPlatform(db, d.devices, d.credentials, d.ingest, d.health, d.clock, {
    platformId: d.config.XIAOAN_SIP_ID,
    domain,
    keepaliveS: d.config.XIAOAN_SIP_KEEPALIVE_S,
    offlineAfterMissed: d.config.XIAOAN_OFFLINE_AFTER_MISSED,
  });
  let port = 0;
  const gb28181 = new Gb28181Service(db, platform, d.devices, { platformId: d.config.XIAOAN_SIP_ID, domain, port: () => port });
  const face: ModuleFace = {
    name: 'gb28181',
    tables: tablesOf('gb28181'),
    routes: (app) => gb28181Routes(app, gb28181),
    start: async ({ log }) => {
      const registered = await platform.load();
      if (registered) log.info({ registered }, 'GB/T 28181 registrations still valid');
    },
    stop: async () => platform.close(),
  };
  /** The composition root tells which port the SIP sockets are bound to. */
  const listening = (boundPort: number) => (port = boundPort);
  return { face, gb28181, gbPlatform: platform, sipListening: listening };
}
