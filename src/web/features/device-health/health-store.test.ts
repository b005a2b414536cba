import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthStore, type HealthChange } from './health-store.ts';

describe('device health store', () => {
  it('tells unknown (never seen) from offline, and applies live changes', () => {
    const store = new HealthStore();
    const changes: HealthChange[] = [];
    store.subscribe((c) => changes.push(c));
    store.reset({ a: { online: true, lastSeenAt: '2026-11-25T10:00:00Z' }, b: { online: false, lastSeenAt: '2026-11-25T09:00:00Z' } });
    assert.deepEqual([store.state('a'), store.state('b'), store.state('c')], ['online', 'offline', 'unknown']);
    store.apply([
      { deviceId: 'a', universityId: 'u', online: false, at: '2026-11-25T10:03:00Z' },
      { deviceId: 'c', universityId: 'u', online: true, at: '2026-11-25T10:04:00Z' },
      { deviceId: 'b', universityId: 'u', online: false, at: '2026-11-25T10:04:00Z' }, // no change
    ]);
    assert.deepEqual([store.state('a'), store.state('c')], ['offline', 'online']);
    assert.equal(store.get('a')!.lastSeenAt, '2026-11-25T10:00:00Z', 'going offline keeps the last sign of life');
    assert.equal(store.get('c')!.lastSeenAt, '2026-11-25T10:04:00Z');
    assert.deepEqual(changes, [{ type: 'reset' }, { type: 'changes', deviceIds: ['a', 'c'] }]);
  });

  it('announces only the devices whose state differs when the whole list is read again', () => {
    const store = new HealthStore();
    store.reset({ a: { online: true, lastSeenAt: '1' }, b: { online: true, lastSeenAt: '1' } });
    const changes: HealthChange[] = [];
    store.subscribe((c) => changes.push(c));
    store.reset({ a: { online: true, lastSeenAt: '2' }, c: { online: false, lastSeenAt: '1' } });
    assert.deepEqual(changes, [{ type: 'changes', deviceIds: ['c', 'b'] }]);
    assert.equal(store.state('b'), 'unknown');
  });
});
