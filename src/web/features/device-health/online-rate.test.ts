import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OnlineRateSample } from '../../api/events.ts';
import { rateSeries } from './online-rate.ts';

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
