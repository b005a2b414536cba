import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alarm, SopStep } from '../../api/alarms.ts';
import { allowedSteps, arrivals, etaMinutes, formatAge, lifecycleIndex, openMandatory, sortQueue } from './alarm-format.ts';

const alarm = (id: string, priority: number, createdAt: string) => ({ id, priority, createdAt }) as Alarm;

describe('alarm screen helpers', () => {
  it('orders the queue by priority, then age', () => {
    const q = sortQueue([alarm('c', 2, '2025-01-01T00:00:00Z'), alarm('b', 1, '2025-01-01T00:05:00Z'), alarm('a', 1, '2025-01-01T00:01:00Z')]);
    assert.deepEqual(q.map((a) => a.id), ['a', 'b', 'c']);
  });

  it('offers the steps the lifecycle allows', () => {
    assert.deepEqual(allowedSteps('new'), ['acknowledge', 'dispatch', 'false_alarm']);
    assert.deepEqual(allowedSteps('resolved'), ['close', 'false_alarm']);
    assert.deepEqual(allowedSteps('closed'), []);
    assert.equal(lifecycleIndex('false_alarm'), 5);
  });

  it('finds arrivals only after the first load', () => {
    assert.deepEqual(arrivals(null, [alarm('a', 1, '')]), []);
    assert.deepEqual(arrivals(new Set(['a']), [alarm('a', 1, ''), alarm('b', 1, '')]), ['b']);
  });

  it('formats ages, ETAs and open mandatory steps', () => {
    assert.equal(formatAge(65_000), '01:05');
    assert.equal(formatAge(3_725_000), '1:02:05');
    assert.equal(formatAge(-5), '00:00');
    assert.equal(etaMinutes(20), 1);
    assert.equal(etaMinutes(null), null);
    const s = (key: string, mandatory: boolean, doneAt: string | null) => ({ key, mandatory, doneAt }) as SopStep;
    assert.deepEqual(openMandatory([s('a', true, null), s('b', false, null), s('c', true, 'x')]).map((x) => x.key), ['a']);
  });
});
