import type { ModuleDb } from '../../store/tables.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { Bus } from '../../bus/event-bus.ts';
import { EventsRepository } from './events.repository.ts';
import { uuid7 } from '../../util/uuid7.ts';

export type AppendResult = 'stored' | 'duplicate';

interface Pending {
  event: DeviceEvent;
  resolve(r: AppendResult): void;
  reject(e: Error): void;
}

export interface EventWriterOptions {
  /** Most events in one transaction. */
  maxBatch?: number;
}

/**
 * Group commit: events that arrive while a commit is running (or within the same turn of the
 * event loop) are written together in one transaction. Each caller's promise resolves only after
 * the transaction holding its event has committed, which is when a device may be acknowledged.
 * Committed events then go out on the bus in commit order.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private scheduled = false;
  private readonly maxBatch: number;
  private closed = false;
  /** Figures for health pages and benchmarks. */
  readonly stats = { batches: 0, events: 0, duplicates: 0, failures: 0, lastBatchSize: 0, lastCommitMs: 0 };

  constructor(
    private readonly db: ModuleDb<'events'>,
    private readonly bus: Bus,
    private readonly repo = new EventsRepository(),
    opts: EventWriterOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 5000;
  }

  /**
   * Queues an event for the next group commit. The event's id is (re)assigned here, so ids
   * increase in commit order: a consumer that remembers the last id it processed can resume
   * from the store after a crash without skipping anything this process committed.
   */
  append(event: DeviceEvent): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event writer is closed'));
    event.id = uuid7();
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // setImmediate lets every message parsed in this I/O turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.drain().finally(() => {
        this.running = null;
        if (this.queue.length) this.schedule();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      const started = performance.now();
      try {
        const events = batch.map((p) => p.event);
        const inserted = await this.db.transaction().execute((trx) => this.repo.appendInTransaction(trx, events));
        this.stats.batches++;
        this.stats.events += inserted.size;
        this.stats.duplicates += batch.length - inserted.size;
        this.stats.lastBatchSize = batch.length;
        this.stats.lastCommitMs = performance.now() - started;
        for (const p of batch) p.resolve(inserted.has(p.event.id) ? 'stored' : 'duplicate');
        const committed = events.filter((e) => inserted.has(e.id));
        if (committed.length) this.bus.publish('events.committed', committed);
      } catch (err) {
        this.stats.failures++;
        for (const p of batch) p.reject(err as Error);
      }
    }
  }

  /** Resolves once everything appended so far is committed (and published). */
  async idle(): Promise<void> {
    while (this.running || this.scheduled || this.queue.length) {
      if (this.running) await this.running;
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Waits for everything queued to be committed; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }
}
