/** Percentiles (nearest rank), Beijing-time buckets and the shift table, by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localDate, localDays, localHour, percentile, shiftOf, SHIFTS, summarize } from './alarm-stats.compute.ts';

const bj = (s: string) => Date.parse(`${s}+08:00`);

describe('alarm statistics arithmetic', () => {
  it('percentiles are nearest-rank: an observed value, the smallest with at least p % at or below it', () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([7], 50), 7);
    assert.equal(percentile([7], 90), 7);
    assert.equal(percentile([10, 20, 30, 40], 50), 20); // rank ceil(2) = 2
    assert.equal(percentile([10, 20, 30, 40], 90), 40); // rank ceil(3.6) = 4
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9); // rank 9
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90), 10); // rank ceil(9.9) = 10
    assert.equal(percentile([1, 2, 3, 4, 5], 50), 3);
    assert.deepEqual(summarize([900, 20, 500, 50, 200]), { count: 5, p50: 200, p90: 900 }, 'unsorted input is sorted');
  });

  it('hours, dates and shifts are Beijing time (UTC+8) by creation', () => {
    assert.equal(localHour(Date.parse('2026-03-01T16:00:00Z')), 0);
    assert.equal(localDate(Date.parse('2026-03-01T16:00:00Z')), '2026-03-02');
    assert.equal(localDate(Date.parse('2026-03-01T15:59:59.999Z')), '2026-03-01');
    assert.equal(shiftOf(bj('2026-03-02T07:59:59.999')), 'night');
    assert.equal(shiftOf(bj('2026-03-02T08:00:00')), 'day');
    assert.equal(shiftOf(bj('2026-03-02T15:59:59')), 'day');
    assert.equal(shiftOf(bj('2026-03-02T16:00:00')), 'evening');
    assert.equal(shiftOf(bj('2026-03-02T23:59:59')), 'evening');
    assert.equal(shiftOf(bj('2026-03-03T00:00:00')), 'night');
    // The shift table covers every hour exactly once.
    for (let h = 0; h < 24; h++) assert.equal(SHIFTS.filter((s) => h >= s.fromHour && h < s.toHour).length, 1, `hour ${h}`);
  });

  it('the days of a window are the local dates it touches, end exclusive', () => {
    assert.deepEqual(localDays(bj('2026-02-27T00:00:00'), bj('2026-03-02T00:00:00')), ['2026-02-27', '2026-02-28', '2026-03-01']);
    assert.deepEqual(localDays(bj('2026-03-01T12:00:00'), bj('2026-03-01T12:00:01')), ['2026-03-01']);
    assert.equal(localDays(bj('2024-01-01T00:00:00'), bj('2025-01-01T00:00:00')).length, 366, 'leap year');
  });
});
