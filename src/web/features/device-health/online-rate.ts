import type { DeviceKind } from '../../../shared/domain.ts';
import type { OnlineRateSample } from '../../api/events.ts';

export interface RateSeries {
  /** A device kind, or 'all' for every kind together. */
  key: DeviceKind | 'all';
  /** [time, percent online] per sample time; null where the kind had no devices. */
  points: [string, number | null][];
  /** Devices of the kind at the last sample. */
  total: number;
}

/**
 * Samples (one per campus and kind every 5 minutes) as one line per kind and one for all
 * kinds, over the chosen campus or all campuses together (sums, not averages of rates).
 */
export function rateSeries(samples: readonly OnlineRateSample[], campusId?: string): RateSeries[] {
  const times = [...new Set(samples.map((s) => s.at))].sort();
  const sums = new Map<string, Map<string, { total: number; online: number }>>(); // key → at → sums
  const add = (key: string, s: OnlineRateSample) => {
    let byTime = sums.get(key);
    if (!byTime) sums.set(key, (byTime = new Map()));
    const cur = byTime.get(s.at) ?? { total: 0, online: 0 };
    byTime.set(s.at, { total: cur.total + s.total, online: cur.online + s.online });
  };
  for (const s of samples) {
    if (campusId && s.campusId !== campusId) continue;
    add(s.kind, s);
    add('all', s);
  }
  const out: RateSeries[] = [];
  for (const [key, byTime] of sums) {
    const points = times.map((at): [string, number | null] => {
      const v = byTime.get(at);
      return [at, v && v.total ? Math.round((v.online / v.total) * 1000) / 10 : null];
    });
    const last = byTime.get(times[times.length - 1] ?? '') ?? [...byTime.values()].pop();
    out.push({ key: key as RateSeries['key'], points, total: last?.total ?? 0 });
  }
  // "all" first, then the kinds with the most devices.
  return out.sort((a, b) => (a.key === 'all' ? -1 : b.key === 'all' ? 1 : b.total - a.total));
}

const AXIS_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20];

/**
 * Lower end of the percent axis: just below the lowest value shown, on a round step, so the
 * difference between 99.0 % and 99.9 % is visible instead of two lines glued to the top of 0–100 %.
 */
export function rateAxisMin(series: RateSeries[]): number {
  let lowest = 100;
  for (const s of series) for (const [, v] of s.points) if (v !== null && v < lowest) lowest = v;
  const span = Math.max(100 - lowest, 0.5); // never zoom in further than half a percent
  const target = lowest - span * 0.25;
  const step = AXIS_STEPS.find((st) => (100 - target) / st <= 6) ?? 20;
  return Math.max(0, Math.round(Math.floor(target / step) * step * 1000) / 1000);
}
