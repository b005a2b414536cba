import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../../../test/helpers/wait.ts';
import { DurableConsumer, type ConsumerSource } from './durable-consumer.ts';
import { EventBus, type MessageContext } from './event-bus.ts';

describe('event bus', () => {
  it('gives every message a context: its own id, what caused it and who acted', () => {
    const bus = new EventBus();
    const seen: MessageContext[] = [];
    bus.subscribe('ledger.device_changed', (_m, context) => seen.push(context));
    const first = bus.publish('ledger.device_changed', { deviceId: 'd1' }, { actorId: 'u1' });
    const second = bus.publish('ledger.device_changed', { deviceId: 'd1' }, { parentId: first.id });
    assert.deepEqual(seen, [first, second]);
    assert.equal(first.actorId, 'u1');
    assert.equal(first.parentId, null);
    assert.equal(second.parentId, first.id);
    assert.notEqual(first.id, second.id);
  });

  it('keeps one failing subscriber from the others and from the publisher', () => {
    const errors: string[] = [];
    const bus = new EventBus((_err, name) => errors.push(name));
    let delivered = 0;
    bus.subscribe('ledger.device_changed', () => {
      throw new Error('boom');
    });
    bus.subscribe('ledger.device_changed', () => delivered++);
    bus.publish('ledger.device_changed', { deviceId: 'd1' });
    assert.equal(delivered, 1);
    assert.deepEqual(errors, ['ledger.device_changed']);
  });
});

/** A log of messages with ids, a saved offset and a live feed, as the event store offers them. */
function fakeLog(stored: { id: string }[], offset = '') {
  const listeners = new Set<(batch: { id: string }[]) => void>();
  const source: ConsumerSource<{ id: string }> = {
    offset: async () => offset,
    after: async (afterId, limit) => stored.filter((m) => m.id > afterId).slice(0, limit),
    subscribe: (onBatch) => {
      listeners.add(onBatch);
      return () => listeners.delete(onBatch);
    },
  };
  const commit = (batch: { id: string }[]) => {
    stored.push(...batch);
    for (const l of listeners) l(batch);
  };
  return { source, commit, listeners };
}

describe('durable consumer', () => {
  it('replays what was stored after its offset, then follows live batches in order, each message once', async () => {
    const log = fakeLog([{ id: 'a' }, { id: 'b' }, { id: 'c' }], 'a');
    const handled: string[] = [];
    const consumer = new DurableConsumer('test', log.source, async (batch) => void handled.push(...batch.map((m) => m.id)), { page: 1 });
    assert.equal(await consumer.start(), 2);
    log.commit([{ id: 'c' }, { id: 'd' }]); // 'c' again (committed during the replay): skipped by id
    log.commit([{ id: 'e' }]);
    await consumer.settled();
    assert.deepEqual(handled, ['b', 'c', 'd', 'e']);
    await consumer.stop();
    assert.equal(log.listeners.size, 0, 'stop unsubscribes');
  });

  it('retries a failing batch before any later one', async () => {
    const log = fakeLog([]);
    const handled: string[] = [];
    let failures = 1;
    const errors: unknown[] = [];
    const consumer = new DurableConsumer(
      'test',
      log.source,
      async (batch) => {
        if (batch[0]!.id === 'x' && failures-- > 0) throw new Error('store busy');
        handled.push(...batch.map((m) => m.id));
      },
      { onError: (e) => errors.push(e) },
    );
    await consumer.start();
    log.commit([{ id: 'x' }]);
    log.commit([{ id: 'y' }]);
    await waitFor('both batches handled after the retry', () => handled.length === 2, 10_000);
    assert.deepEqual(handled, ['x', 'y']);
    assert.equal(errors.length, 1);
    await consumer.stop();
  });
});
