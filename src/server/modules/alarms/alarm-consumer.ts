import type { Kysely } from 'kysely';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { EventsService } from '../events/events.service.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import type { DB } from '../../store/schema.ts';
import { toEvent } from '../events/events.repository.ts';
import type { ActionExecutor } from './action-executor.ts';
import type { AlarmEngine } from './alarm-engine.ts';

const CONSUMER = 'alarms';
const PAGE = 1000;

/**
 * Feeds committed events to the alarm engine, one batch at a time, in commit order. At start it
 * first replays every stored event after the last one it processed, so an event committed just
 * before a crash still becomes its alarm; live batches wait in line meanwhile.
 */
export class AlarmConsumer {
  private readonly queue: DeviceEvent[][] = [];
  private lastId = '';
  private busy = false;
  private started = false;
  private stopped = false;
  private idle: (() => void)[] = [];
  readonly stats = { batches: 0, events: 0, errors: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly events: Pick<EventsService, 'after'>,
    private readonly engine: AlarmEngine,
    private readonly executor: ActionExecutor,
    private readonly bus: EventBus,
    private readonly onError: (err: unknown) => void = (err) => console.error('alarm engine failed', err),
  ) {
    bus.subscribe('events.committed', (events) => {
      this.queue.push(events);
      void this.drain();
    });
  }

  async start(): Promise<number> {
    const row = await this.db.selectFrom('consumer_offsets').select('last_event_id').where('consumer', '=', CONSUMER).executeTakeFirst();
    this.lastId = row?.last_event_id ?? '';
    let replayed = 0;
    this.busy = true;
    try {
      for (;;) {
        const events = await this.events.after(this.lastId, PAGE);
        if (!events.length) break;
        await this.handle(events);
        replayed += events.length;
        if (events.length < PAGE) break;
      }
      await this.executor.runPending(); // actions left pending by a crash
    } finally {
      this.busy = false;
      this.started = true;
    }
    void this.drain();
    return replayed;
  }

  private async handle(events: DeviceEvent[]) {
    const fresh = events.filter((e) => e.id > this.lastId);
    if (!fresh.length) return;
    const result = await this.engine.process(fresh, CONSUMER);
    this.lastId = fresh[fresh.length - 1].id;
    this.stats.batches++;
    this.stats.events += fresh.length;
    if (result.changed.length) this.bus.publish('alarms.changed', result.changed);
    if (result.pendingActionIds.length) void this.executor.runPending(result.pendingActionIds).catch(this.onError);
  }

  private async drain() {
    if (this.busy || !this.started || this.stopped) return;
    this.busy = true;
    try {
      while (this.queue.length && !this.stopped) {
        const batch = this.queue[0];
        try {
          await this.handle(batch);
          this.queue.shift();
        } catch (err) {
          // Order matters (merging, counts, the offset): retry this batch before any later one.
          this.stats.errors++;
          this.onError(err);
          setTimeout(() => void this.drain(), Math.min(30_000, 500 * 2 ** Math.min(6, this.stats.errors))).unref();
          return;
        }
      }
    } finally {
      this.busy = false;
      for (const f of this.idle.splice(0)) f();
    }
  }

  /**
   * Shutdown: the batch in progress finishes, later ones are left to the store (the next start
   * replays them from the offset), so nothing runs against a closed database.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    if (this.busy) await new Promise<void>((r) => this.idle.push(r));
  }

  /** Resolves when everything queued so far has been processed (tests, shutdown). */
  settled(): Promise<void> {
    if (!this.busy && !this.queue.length && this.started) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }
}
