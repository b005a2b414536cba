import type { DeviceEvent } from '../../../shared/events.ts';
import { DurableConsumer } from '../../bus/durable-consumer.ts';
import type { Bus, EventMap } from '../../bus/event-bus.ts';
import type { EventsService } from '../events/index.ts';
import type { ActionExecutor } from './action-executor.ts';
import type { AlarmEngine } from './alarm-engine.ts';

const CONSUMER = 'alarms';

type AlarmChangeMessage = EventMap['alarms.changed'];

/**
 * Feeds committed events to the alarm engine as a durable consumer of the event log: at start it
 * replays every stored event after the engine's offset (so an event committed just before a crash
 * still becomes its alarm), runs the linkage actions a crash left pending, then follows live
 * batches in commit order. The engine saves the offset in the transaction of its alarms.
 */
export class AlarmConsumer {
  private readonly consumer: DurableConsumer<DeviceEvent>;

  constructor(
    events: Pick<EventsService, 'consumerSource'>,
    private readonly engine: AlarmEngine,
    private readonly executor: ActionExecutor,
    private readonly bus: Bus,
    private readonly onError: (err: unknown) => void = (err) => console.error('alarm engine failed', err),
  ) {
    this.consumer = new DurableConsumer(CONSUMER, events.consumerSource(CONSUMER), (batch) => this.handle(batch), {
      afterReplay: () => this.executor.runPending(),
      onError,
    });
  }

  get stats() {
    return this.consumer.stats;
  }

  /** Catches up with stored events; returns how many it replayed. */
  start(): Promise<number> {
    return this.consumer.start();
  }

  private async handle(events: DeviceEvent[]) {
    const result = await this.engine.process(events, CONSUMER);
    // One message per causing event, so "why is this alarm here?" traces back to the event.
    const byEvent = new Map<string, AlarmChangeMessage>();
    for (const { eventId, ...change } of result.changed) {
      const changes = byEvent.get(eventId) ?? [];
      if (!changes.length) byEvent.set(eventId, changes);
      changes.push(change);
    }
    for (const [eventId, changes] of byEvent) this.bus.publish('alarms.changed', changes, { parentId: eventId });
    if (result.pendingActionIds.length) void this.executor.runPending(result.pendingActionIds).catch(this.onError);
  }

  /** The batch in progress finishes; later ones are replayed from the offset at the next start. */
  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** Resolves when everything queued so far has been processed (tests, shutdown). */
  settled(): Promise<void> {
    return this.consumer.settled();
  }
}
