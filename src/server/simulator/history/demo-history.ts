/**
 * The demo university's past (issue 18): on the first start of a fresh demo database, and with
 * `npm run demo:history -- --days N [--seed S]` against any demo database, 90 days (by default)
 * of device events, alarms raised by the rules from them and handled by the duty room, repairs
 * and a few incidents, generated through the real modules.
 *
 * The history gets its own composition of the modules (`createServices` on a HistoryClock), so
 * the rules, the services and their caches see the historical time while the server's own
 * modules are untouched; it runs before the server starts its modules and listens. Ids come from
 * the seed (util/deterministic-ids.ts): the same seed and end date give the same history.
 */
import type { Config } from '../../config.ts';
import { createServices } from '../../http/app.ts';
import { ensureMonthPartitions } from '../../store/partitions.ts';
import type { Store } from '../../store/database.ts';
import { withDeterministicIds } from '../../util/deterministic-ids.ts';
import { Random } from '../../util/random.ts';
import { uuid7 } from '../../util/uuid7.ts';
import { DEMO_UNIVERSITY_NAME } from '../demo-simulator.ts';
import { alarmHandling } from './alarm-handling.ts';
import type { HistoryContributor } from './contributor.ts';
import { deviceTraffic } from './device-traffic.ts';
import { deviceUpkeep } from './device-upkeep.ts';
import { dutyHandovers } from './duty-handover.ts';
import { generateHistory, type HistoryReport } from './generate-history.ts';
import { HistoryClock } from './history-clock.ts';
import { IncidentBook } from './incidents.ts';
import { schoolCalendar } from './school-calendar.ts';
import { trainingDrills } from './training-drills.ts';

export type { HistoryContributor, HistoryContext } from './contributor.ts';
export type { HistoryReport } from './generate-history.ts';

/** Where the store records that the history was made (an entry among the event log's consumer offsets). */
export const HISTORY_MARK = 'demo-history';

export interface DemoHistoryOptions {
  config: Config;
  store: Store;
  days: number;
  seed: number;
  /** End of the history; production passes the wall clock's now, tests a fixed instant. */
  endMs: number;
  universityName?: string;
  /** Generate even when the store says a history was made already. */
  force?: boolean;
  /** Contributors after the built-in ones (modules that add their own past). */
  extraContributors?: readonly HistoryContributor[];
  progress?: (line: string) => void;
}

/**
 * The contributors, in order: the school calendar first (the others read it), the devices'
 * traffic, the duty room, the devices' upkeep, the command centre's handovers. A module that later adds data (duty rosters,
 * patrols, visitors, the recordings index, compliance snapshots) adds its contributor here.
 */
export function historyContributors(extra: readonly HistoryContributor[] = []): HistoryContributor[] {
  const incidents = new IncidentBook();
  return [schoolCalendar(), deviceTraffic({ incidents }), alarmHandling({ incidents }), deviceUpkeep(), dutyHandovers(), trainingDrills(), ...extra];
}

export type DemoHistoryResult = { status: 'generated'; report: HistoryReport } | { status: 'skipped'; reason: string };

export async function generateDemoHistory(o: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const clock = new HistoryClock(o.endMs);
  const services = createServices(o.config, o.store, clock);
  const name = o.universityName ?? DEMO_UNIVERSITY_NAME;
  const university = await services.org.universityNamed(name);
  if (!university) return { status: 'skipped', reason: `no university named ${name}` };
  const mark = services.events.consumerSource(HISTORY_MARK);
  if (!o.force && (await mark.offset())) return { status: 'skipped', reason: 'the history was generated before (use --force to add another)' };
  // On a fresh store the rules' runs count as the live alarm engine's: it does not replay the history at start.
  const alarmsOffset = await services.events.consumerSource('alarms').offset();
  const engineConsumer = alarmsOffset ? 'demo-history-rules' : 'alarms';
  // Generated data can be generated again: SQLite need not wait for the disk after each of the
  // history's many small commits. The durability the server promises is back before it starts.
  const sqlite = o.store.sqlite;
  // PostgreSQL: the history's months exist before it writes (nothing to move out of the default partition later).
  const firstMs = o.endMs - (o.days + 1) * 86400_000;
  for (const table of ['events', 'sightings'] as const) await ensureMonthPartitions(o.store.db, o.store.dialect, table, firstMs, o.endMs);
  const synchronous = sqlite?.pragma('synchronous', { simple: true });
  sqlite?.pragma('synchronous = OFF');
  const report = await withDeterministicIds(new Random(o.seed).fork('ids'), clock, () =>
    generateHistory({
      services,
      clock,
      universityId: university.id,
      days: o.days,
      endMs: o.endMs,
      seed: o.seed,
      contributors: historyContributors(o.extraContributors),
      engineConsumer,
      progress: o.progress,
    }),
  ).finally(() => {
    if (sqlite) {
      sqlite.pragma(`synchronous = ${synchronous}`);
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    }
  });
  await services.writer.close();
  await o.store.db.transaction().execute((trx) => services.events.saveOffset(trx, HISTORY_MARK, uuid7(o.endMs)));
  return { status: 'generated', report };
}
