/** Event store (事件): every device event, written in group commits and published after commit. */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Store } from '../../store/database.ts';
import { maintainMonthPartitions } from '../../store/partitions.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { EventWriter } from './event-writer.ts';
import { EventsRepository } from './events.repository.ts';
import { eventsRoutes } from './events.routes.ts';
import { enforceRetention, EventsService, retentionDays } from './events.service.ts';

export { EventWriter, type AppendResult } from './event-writer.ts';
export { EventsService, enforceRetention, retentionDays } from './events.service.ts';
export { toEvent } from './events.repository.ts';

export function createEventsModule(d: { store: Store; config: Config; clock: Clock; bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const writer = new EventWriter(ownTables<'events'>(d.store.db), bus, new EventsRepository(d.store));
  const events = new EventsService(ownTables<'events'>(d.store.db), bus, d.clock);
  const retention = retentionDays(d.config.XIAOAN_EVENT_RETENTION_DAYS, d.config.XIAOAN_EVENT_RETENTION);
  const longestRetentionDays = Math.max(...Object.values(retention));
  /**
   * PostgreSQL: the months from the oldest kept to three ahead exist; a month that ended before
   * every kind's retention is dropped whole (row retention has emptied it, a drop gives the space back).
   */
  const maintainPartitions = () => maintainMonthPartitions(d.store, 'events', d.clock.now(), longestRetentionDays);
  const face: ModuleFace = {
    name: 'events',
    bus,
    tables: tablesOf('events'),
    publishes: ['events.committed'],
    routes: (app) => eventsRoutes(app, events),
    jobs: [
      {
        name: 'event partitions',
        everyMs: 6 * 3600_000,
        run: async ({ log }) => {
          const { created, dropped } = await maintainPartitions();
          if (created.length || dropped.length) log.info({ created, dropped }, 'event month partitions');
        },
      },
      {
        name: 'event retention',
        everyMs: 3600_000,
        run: async ({ log }) => {
          const n = await enforceRetention(ownTables<'events'>(d.store.db), retention, d.clock.now(), { dialect: d.store.dialect });
          if (n) log.info({ deleted: n }, 'old events removed (retention)');
        },
      },
    ],
    start: async () => void (await maintainPartitions()),
    // The last accepted events are committed (and published) before anything stops.
    flush: () => writer.close(),
  };
  return { face, writer, events, longestRetentionDays };
}
