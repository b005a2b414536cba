import type { Dialect } from '../../store/database.ts';
import { type ModuleDb, type Work, ownTables } from '../../store/tables.ts';
import { EVENT_KIND_LIST, type DeviceEvent, type EventKind } from '../../../shared/events.ts';
import { presentEvent } from '../../../shared/personal-data.ts';
import { type Actor, listScope } from '../../http/policy.ts';
import type { ConsumerSource } from '../../bus/durable-consumer.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { EventsRepository, type EventQuery } from './events.repository.ts';

export class EventsService {
  constructor(
    private readonly db: ModuleDb<'events'>,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly repo = new EventsRepository(),
  ) {}

  /**
   * The event log as a durable consumer reads it (bus/durable-consumer.ts): its saved offset,
   * the stored events after it, and the live batches as they commit.
   */
  consumerSource(consumer: string): ConsumerSource<DeviceEvent> {
    return {
      offset: () => this.repo.offsetOf(this.db, consumer),
      after: (afterId, limit) => this.repo.after(this.db, afterId, limit),
      subscribe: (onBatch) => this.bus.subscribe('events.committed', onBatch),
    };
  }

  /** Saves how far a consumer got, in the transaction `work` that wrote the effects of those events. */
  saveOffset(work: Work, consumer: string, lastEventId: string): Promise<void> {
    return this.repo.saveOffset(ownTables<'events'>(work), consumer, lastEventId, this.clock.nowIso());
  }

  /** Newest first, paged by id (`beforeId`): stable while new events keep arriving. */
  async list(actor: Actor, q: Omit<EventQuery, 'universityId'> & { universityId?: string }): Promise<{ items: DeviceEvent[]; nextBeforeId: string | null }> {
    const stored = await this.repo.list(this.db, { ...q, universityId: listScope(actor, q.universityId) });
    const items = stored.map(presentEvent);
    return { items, nextBeforeId: items.length === q.limit ? items[items.length - 1].id : null };
  }

  // ---- reads for other modules: system work, stored events as they are (unmasked) ----

  /** Stored events by id, in id order; ids not found are absent. */
  byIds(ids: string[]): Promise<DeviceEvent[]> {
    return ids.length ? this.repo.byIds(this.db, ids) : Promise.resolve([]);
  }

  /** The next `limit` events after `afterId` in commit order (a consumer catching up after a stop). */
  after(afterId: string, limit: number): Promise<DeviceEvent[]> {
    return this.repo.after(this.db, afterId, limit);
  }

  /** Devices of a university that reported any of `kinds` in the window (an absence rule's check). */
  devicesReporting(universityId: string, kinds: readonly string[], from: string, to: string): Promise<Set<string>> {
    return this.repo.devicesReporting(this.db, universityId, kinds, from, to);
  }

  /**
   * How many `kinds` events one device sent in (since, until]. `work` is the caller's open
   * transaction (the alarm engine counts inside the batch it writes), or the store.
   */
  countFromDevice(work: Work, deviceId: string, kinds: readonly string[], since: string, until: string): Promise<number> {
    return this.repo.countFromDevice(ownTables<'events'>(work), deviceId, kinds, since, until);
  }
}

/** Days to keep each kind: the default, overridden per kind by "kind=days,…". */
export function retentionDays(defaultDays: number, spec: string | undefined): Record<EventKind, number> {
  const out = Object.fromEntries(EVENT_KIND_LIST.map((k) => [k, defaultDays])) as Record<EventKind, number>;
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [kind, days] = part.split('=');
    if (!(kind in out)) throw new Error(`XIAOAN_EVENT_RETENTION: unknown event kind "${kind}"`);
    out[kind as EventKind] = Number(days);
  }
  return out;
}

/**
 * Enforces retention in small batches, so the store stays responsive to ingest while old events
 * are removed. Returns how many events were deleted. `dialect` postgres: the resend claims
 * (`event_sources`) older than the longest retention go too.
 */
export async function enforceRetention(db: ModuleDb<'events'>, days: Record<EventKind, number>, now: number, opts: { batch?: number; maxBatches?: number; dialect?: Dialect } = {}): Promise<number> {
  const repo = new EventsRepository();
  const batch = opts.batch ?? 2000;
  let budget = opts.maxBatches ?? 500;
  let total = 0;
  /** Removes in batches until one comes back short or the budget is spent; returns how many. */
  const inBatches = async (remove: (limit: number) => Promise<number>) => {
    let removed = 0;
    while (budget > 0) {
      const n = await remove(batch);
      removed += n;
      if (n < batch) break;
      budget--; // only full batches count: a kind with nothing to delete costs one indexed probe
      await new Promise((r) => setImmediate(r)); // let ingest in between batches
    }
    return removed;
  };
  for (const [kind, d] of Object.entries(days)) {
    const before = new Date(now - d * 86400_000).toISOString();
    total += await inBatches((limit) => repo.deleteOlderThan(db, kind, before, limit));
  }
  if (opts.dialect === 'postgres') {
    const before = new Date(now - Math.max(...Object.values(days)) * 86400_000).toISOString();
    await inBatches((limit) => repo.deleteSourcesOlderThan(db, before, limit));
  }
  return total;
}
