import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { DeviceRef } from '../../api/events.ts';
import { apiQueryOf, eventMatcher, type EventFilter } from './event-filter.ts';
import { ALL_EVENT_KINDS, effectiveKinds } from './event-kinds.ts';

const ev = (kind: DeviceEvent['kind'], deviceId = 'd1', orgId = 'u1') => ({ id: '1', kind, deviceId, orgId }) as DeviceEvent;
const devices = new Map<string, DeviceRef>([
  ['d1', { id: 'd1', name: 'A', kind: 'door', universityId: 'u1', campusId: 'c1', buildingId: null }],
  ['d2', { id: 'd2', name: 'B', kind: 'camera', universityId: 'u1', campusId: 'c2', buildingId: null }],
]);
const base: EventFilter = { kinds: [], showNoisy: false };

describe('event stream filter', () => {
  it('hides heartbeats unless asked for, and asks the API for no kind filter when all are wanted', () => {
    assert.equal(effectiveKinds([], true), undefined);
    assert.deepEqual(effectiveKinds([], false), ALL_EVENT_KINDS.filter((k) => k !== 'device.heartbeat'));
    assert.deepEqual(effectiveKinds(['device.heartbeat'], false), ['device.heartbeat'], 'a chosen kind is shown');
    const match = eventMatcher(base, devices);
    assert.equal(match(ev('device.heartbeat')), false);
    assert.equal(match(ev('panic')), true);
  });

  it('filters by kinds, university, device and — through the directory — campus', () => {
    const f: EventFilter = { ...base, kinds: ['panic', 'fire'], universityId: 'u1', campusId: 'c1' };
    const match = eventMatcher(f, devices);
    assert.equal(match(ev('panic', 'd1')), true);
    assert.equal(match(ev('motion', 'd1')), false, 'kind');
    assert.equal(match(ev('panic', 'd2')), false, 'other campus');
    assert.equal(match(ev('panic', 'd9')), false, 'device not in the directory');
    assert.equal(match(ev('panic', 'd1', 'u2')), false, 'other university');
    assert.equal(eventMatcher({ ...base, deviceId: 'd2' }, devices)(ev('panic', 'd1')), false);
    assert.deepEqual(apiQueryOf(f), { kind: ['panic', 'fire'], deviceId: undefined, universityId: 'u1' });
  });
});
