import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlarmStats } from '../../api/alarm-stats.ts';
import { durationOption, durationUnit, rankedBarOption } from './stats-charts.ts';

const d = (count: number, p50: number | null, p90: number | null) => ({ count, p50, p90 });
const none = d(0, null, null);

describe('statistics charts', () => {
  it('picks a duration unit that suits the longest bar', () => {
    assert.deepEqual(durationUnit(119), { unit: 's', divisor: 1 });
    assert.deepEqual(durationUnit(120), { unit: 'min', divisor: 60 });
    assert.deepEqual(durationUnit(7200), { unit: 'h', divisor: 3600 });
  });

  it('draws p50 and p90 per shift and step, scaled, with the exact seconds for the tooltip', () => {
    const durations: AlarmStats['durations'] = {
      overall: { acknowledge: d(2, 60, 900), dispatch: none, arrive: none, close: none },
      shifts: [
        { shift: 'day', name: '', fromHour: 8, toHour: 16, alarms: 2, steps: { acknowledge: d(2, 60, 900), dispatch: none, arrive: none, close: none } },
        { shift: 'night', name: '', fromHour: 0, toHour: 8, alarms: 0, steps: { acknowledge: none, dispatch: none, arrive: none, close: none } },
      ],
    };
    const o = durationOption(durations, { step: (s) => s, shift: (k) => k, series: (s, p) => `${s} ${p}`, duration: String, count: String, unit: (u) => u }) as {
      series: { name: string; data: { value: number | null; seconds: number | null }[] }[];
      yAxis: { name: string };
    };
    assert.deepEqual(o.series.map((s) => s.name), ['day p50', 'day p90', 'night p50', 'night p90']);
    assert.equal(o.yAxis.name, 'min');
    assert.deepEqual(o.series[0]!.data[0], { value: 1, seconds: 60, n: 2 });
    assert.deepEqual(o.series[1]!.data[0], { value: 15, seconds: 900, n: 2 });
    assert.equal(o.series[2]!.data[0]!.value, null);
  });

  it('ranks bars biggest on top, at most 15', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ label: `r${i}`, count: 20 - i }));
    const o = rankedBarOption(rows) as { yAxis: { data: string[] }; series: { data: number[] }[] };
    assert.equal(o.yAxis.data.length, 15);
    assert.equal(o.yAxis.data.at(-1), 'r0', 'echarts draws the last category on top');
    assert.equal(o.series[0]!.data.at(-1), 20);
  });
});
