import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, beijingToday, durationParts, lastDays, percent, windowOf } from './stats-format.ts';

describe('statistics page helpers', () => {
  it('works in Beijing dates whatever the browser’s zone', () => {
    assert.equal(beijingToday(Date.parse('2026-03-01T16:30:00Z')), '2026-03-02');
    assert.equal(beijingToday(Date.parse('2026-03-01T15:59:59Z')), '2026-03-01');
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.deepEqual(windowOf('2026-03-01', '2026-03-07'), { from: '2026-03-01T00:00:00+08:00', to: '2026-03-08T00:00:00+08:00' });
    assert.deepEqual(lastDays(30, Date.parse('2026-03-31T04:00:00Z')), ['2026-03-02', '2026-03-31']);
  });

  it('splits durations for display', () => {
    assert.deepEqual(durationParts(null), { key: 'none' });
    assert.deepEqual(durationParts(44.6), { key: 's', s: 45 });
    assert.deepEqual(durationParts(125), { key: 'ms', m: 2, s: 5 });
    assert.deepEqual(durationParts(3720), { key: 'hm', h: 1, m: 2 });
    assert.equal(percent(0.2857), 28.6);
  });
});
