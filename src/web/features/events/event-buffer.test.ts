import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceEvent } from '../../../shared/events.ts';
import { addOlder, initialState, MAX_CAPACITY, mergeNewestFirst, oldestId, pause, receive, resume } from './event-buffer.ts';

// Ids sort like UUID v7 strings: a larger number is a later event.
const ev = (n: number): DeviceEvent =>
  ({ id: `01a2${String(n).padStart(8, '0')}`, source: 'mqtt', sourceEventId: null, orgId: 'u', deviceId: 'd', kind: 'motion', severity: 'info', occurredAt: '', receivedAt: '', payload: {} }) as DeviceEvent;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
const ids = (rows: DeviceEvent[]) => rows.map((e) => Number(e.id.slice(4)));

describe('event stream buffer', () => {
  it('keeps the newest first without duplicates, whatever order batches arrive in', () => {
    let s = initialState(10);
    s = receive(s, [ev(3), ev(1), ev(2)]);
    s = receive(s, [ev(2), ev(5), ev(4)]);
    assert.deepEqual(ids(s.rows), [5, 4, 3, 2, 1]);
  });

  it('drops the oldest beyond the capacity and then knows older ones exist', () => {
    let s = { ...initialState(5), hasOlder: false };
    s = receive(s, range(1, 7));
    assert.deepEqual(ids(s.rows), [7, 6, 5, 4, 3]);
    assert.equal(s.hasOlder, true);
    assert.equal(Number(oldestId(s)!.slice(4)), 3);
  });

  it('holds new events aside while paused, counts them, and merges them on resume', () => {
    let s = receive(initialState(5), range(1, 3));
    s = pause(s);
    s = receive(s, [ev(4), ev(5)]);
    s = receive(s, [ev(5), ev(3)]); // 5 waits already, 3 is shown already
    assert.deepEqual(ids(s.rows), [3, 2, 1]);
    assert.equal(s.pendingCount, 3, 'counts arrivals (the repeat of 5 included), not the shown 3');
    s = resume(s);
    assert.deepEqual(ids(s.rows), [5, 4, 3, 2, 1]);
    assert.equal(s.paused, false);
    assert.equal(s.pendingCount, 0);
  });

  it('keeps only the newest `capacity` waiting events but counts all of them', () => {
    let s = pause(receive(initialState(3), [ev(1)]));
    s = receive(s, range(2, 9));
    assert.equal(s.pending.length, 3);
    assert.equal(s.pendingCount, 8);
    s = resume(s);
    assert.deepEqual(ids(s.rows), [9, 8, 7]);
  });

  it('makes room for history pages, up to the hard limit', () => {
    let s = receive(initialState(3), range(8, 10));
    s = addOlder(s, range(5, 7), true);
    assert.deepEqual(ids(s.rows), [10, 9, 8, 7, 6, 5]);
    assert.equal(s.capacity, 6);
    s = receive(s, [ev(11)]);
    assert.deepEqual(ids(s.rows), [11, 10, 9, 8, 7, 6], 'a live event then pushes out the oldest');
    s = addOlder(s, [], false);
    assert.equal(s.hasOlder, false);
    const big = addOlder(initialState(), range(1, MAX_CAPACITY + 50), true);
    assert.equal(big.rows.length, MAX_CAPACITY);
    assert.equal(big.capacity, MAX_CAPACITY);
  });

  it('merges two lists for a resync', () => {
    const { rows, cut } = mergeNewestFirst([ev(4), ev(2)], [ev(3), ev(2), ev(1)], 3);
    assert.deepEqual(ids(rows), [4, 3, 2]);
    assert.equal(cut, true);
  });
});
