/**
 * Trajectories (全程可溯, issue 14): a sightings index kept from the stored events, a person's,
 * card's or plate's path over a period (with a reason, audited), who is on campus now and each
 * entrance's hourly traffic.
 */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Store } from '../../store/database.ts';
import { maintainMonthPartitions } from '../../store/partitions.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventsService } from '../events/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import type { PeopleService } from '../people/index.ts';
import type { VehiclesService } from '../vehicles/index.ts';
import type { VisitorsService } from '../visitors/index.ts';
import { SightingIndexer } from './sightings.ts';
import { TrajectoryRepository } from './trajectory.repository.ts';
import { trajectoryRoutes } from './trajectory.routes.ts';
import { TrajectoryService } from './trajectory.service.ts';

export { SightingIndexer, subjectsOf, ENTRANCE_KINDS } from './sightings.ts';
export { TrajectoryService } from './trajectory.service.ts';

/**
 * Sightings are personal data: kept as long as the events they come from (the longest event
 * retention), not longer. SQLite deletes older rows in batches; PostgreSQL drops whole months, so
 * there a sighting may stay up to a month longer.
 */
async function enforceSightingRetention(store: Store, repo: TrajectoryRepository, now: number, days: number): Promise<number> {
  if (store.dialect === 'postgres') return (await maintainMonthPartitions(store, 'sightings', now, days)).dropped.length;
  const before = new Date(now - days * 86400_000).toISOString();
  let total = 0;
  for (let round = 0; round < 500; round++) {
    const n = await repo.deleteSightingsBefore(before, 2000);
    total += n;
    if (n < 2000) break;
    await new Promise((r) => setImmediate(r)); // let ingest in between batches
  }
  return total;
}

export function createTrajectoryModule(d: { store: Store; people: PeopleService; vehicles: VehiclesService; devices: DevicesService; events: EventsService; org: OrgService; audit: AuditService; clock: Clock; bus: EventBus; retentionDays: number; visitors: VisitorsService }) {
  const repo = new TrajectoryRepository(ownTables<'trajectory'>(d.store.db), d.store.dialect);
  const bus = new ModuleBus(d.bus);
  const indexer = new SightingIndexer(repo, d.devices, d.events, d.clock, bus);
  const trajectory = new TrajectoryService(repo, d.people, d.vehicles, d.devices, d.org, d.audit, d.clock, d.visitors);
  const face: ModuleFace = {
    name: 'trajectory',
    tables: tablesOf('trajectory'),
    bus,
    routes: (app) => trajectoryRoutes(app, trajectory),
    jobs: [
      {
        name: 'sighting retention',
        everyMs: 3600_000,
        run: async ({ log }) => {
          const n = await enforceSightingRetention(d.store, repo, d.clock.now(), d.retentionDays);
          if (n) log.info({ removed: n }, d.store.dialect === 'postgres' ? 'old sighting months dropped (retention)' : 'old sightings removed (retention)');
        },
      },
    ],
    start: async (ctx) => {
      indexer.log = ctx.log;
      await maintainMonthPartitions(d.store, 'sightings', d.clock.now(), d.retentionDays);
      // Off the start path: the API serves while older events are indexed batch by batch.
      void indexer
        .backfill()
        .then((n) => n && ctx.log.info({ events: n }, 'sightings backfilled'))
        .catch((err: Error) => ctx.log.warn({ err: err.message }, 'sightings backfill failed; the next start resumes it'));
    },
    stop: () => indexer.stop(),
  };
  return { face, trajectory, indexer };
}
