import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OnlineRateSample } from '../../api/events.ts';
import { rateAxisMin, rateSeries, type RateSeries } from './online-rate.ts';

const s = (at: string, campusId: string, kind: OnlineRateSample['kind'], total: number, online: number): OnlineRateSample => ({ at, campusId, kind, total, online, rate: total ? online / total : 0 });

describe('online rate series', () => {
  const samples = [
    s('T1', 'c1', 'camera', 100, 90),
    s('T1', 'c2', 'camera', 100, 50),
    s('T1', 'c1', 'door', 10, 10),
    s('T2', 'c1', 'camera', 100, 80),
    s('T2', 'c2', 'camera', 100, 100),
  ];

  it('sums campuses (not an average of rates), with an all-kinds line first', () => {
    const series = rateSeries(samples);
    assert.deepEqual(
      series.map((x) => x.key),
      ['all', 'camera', 'door'],
    );
    assert.deepEqual(series[0]!.points, [
      ['T1', 71.4],
      ['T2', 90],
    ]);
    assert.deepEqual(series[1]!.points, [
      ['T1', 70],
      ['T2', 90],
    ]);
    assert.deepEqual(series[2]!.points, [
      ['T1', 100],
      ['T2', null],
    ], 'no sample: a gap, not zero');
  });

  it('narrows to one campus', () => {
    const series = rateSeries(samples, 'c2');
    assert.deepEqual(
      series.map((x) => [x.key, x.points.map((p) => p[1])]),
      [
        ['all', [50, 100]],
        ['camera', [50, 100]],
      ],
    );
  });
});

describe('online rate axis', () => {
  const series = (...values: (number | null)[]): RateSeries[] => [{ key: 'all', total: 1, points: values.map((v, i) => [`T${i}`, v]) }];

  it('zooms in so 99.0 % and 99.9 % are visibly apart (issue 10, item 15)', () => {
    const min = rateAxisMin(series(99.0, 99.9, null));
    assert.ok(min < 99 && min >= 98, `axis from ${min} %`);
    assert.ok((99.9 - 99.0) / (100 - min) > 0.3, 'the two values at least a third of the axis apart');
  });

  it('starts at a round value below the lowest point, never below 0', () => {
    assert.equal(rateAxisMin(series(100, 100)), 99.8);
    assert.equal(rateAxisMin(series(50, 90)), 20);
    assert.equal(rateAxisMin(series(0, 100)), 0);
    assert.equal(rateAxisMin([]), 99.8);
  });
});
