/**
 * The arithmetic of recording time, free of any database: weekly windows in Beijing time as
 * instants, segments joined into spans, and the gaps between what a plan expected and what was
 * recorded. Intervals are [fromMs, toMs) in epoch milliseconds.
 */
import { BEIJING_OFFSET_MS, hhmmToMinutes } from '../../../shared/beijing-time.ts';
import type { RecordingMode, RecordingWindow } from '../../../shared/recordings.ts';

export type Interval = [number, number];

const DAY_MS = 86_400_000;
/** Segments closer than this are one span: consecutive segments meet exactly, but a frame's rounding must not read as a gap. */
export const JOIN_TOLERANCE_MS = 500;
/** Shorter holes are not reported as gaps (a stream restart, a dropped GOP on a slow disk are seconds). */
export const MIN_GAP_MS = 2_000;

/** The instant a Beijing date (YYYY-MM-DD) begins. */
export function beijingDayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS;
}

/** ISO weekday (1 = Monday) of a Beijing date. */
function weekdayOf(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The windows' instants that touch the Beijing day starting at `dayStartMs`, clipped to it. A
 * window belongs to the weekday it starts on; one whose `to` is not after its `from` runs past
 * midnight into the next day, so the previous day's overnight windows reach into this one.
 */
export function windowIntervals(windows: readonly RecordingWindow[], dayStartMs: number): Interval[] {
  const out: Interval[] = [];
  const dateOf = (ms: number) => new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
  for (const startOfDay of [dayStartMs - DAY_MS, dayStartMs]) {
    const weekday = weekdayOf(dateOf(startOfDay));
    for (const w of windows) {
      if (!w.days.includes(weekday)) continue;
      const from = hhmmToMinutes(w.from);
      const to = w.to === '24:00' ? 1440 : hhmmToMinutes(w.to);
      const endMin = to <= from ? to + 1440 : to;
      out.push([startOfDay + from * 60_000, startOfDay + endMin * 60_000]);
    }
  }
  return union(clip(out, dayStartMs, dayStartMs + DAY_MS));
}

/** Whether an instant lies in one of the weekly windows. */
export function inWindows(windows: readonly RecordingWindow[], ms: number): boolean {
  const dayStart = beijingDayStart(new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10));
  return windowIntervals(windows, dayStart).some(([a, b]) => ms >= a && ms < b);
}

/** When the plan expected recording during [fromMs, toMs): continuous all of it, schedule its windows, alarm and off nothing. */
export function expectedIntervals(plan: { mode: RecordingMode; windows: readonly RecordingWindow[] }, dayStartMs: number, fromMs: number, toMs: number): Interval[] {
  if (toMs <= fromMs) return [];
  if (plan.mode === 'continuous') return [[fromMs, toMs]];
  if (plan.mode === 'schedule') return clip(windowIntervals(plan.windows, dayStartMs), fromMs, toMs);
  return [];
}

export function clip(intervals: readonly Interval[], fromMs: number, toMs: number): Interval[] {
  const out: Interval[] = [];
  for (const [a, b] of intervals) {
    const s = Math.max(a, fromMs);
    const e = Math.min(b, toMs);
    if (e > s) out.push([s, e]);
  }
  return out;
}

/** Sorted, with intervals that overlap or lie within `toleranceMs` of each other joined. */
export function union(intervals: readonly Interval[], toleranceMs = 0): Interval[] {
  const sorted = [...intervals].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + toleranceMs) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The parts of `expected` that `covered` leaves open, each at least `minMs` long. */
export function holes(expected: readonly Interval[], covered: readonly Interval[], minMs = MIN_GAP_MS): Interval[] {
  const out: Interval[] = [];
  const cov = union(covered);
  for (const [a, b] of union(expected)) {
    let at = a;
    for (const [c, d] of cov) {
      if (d <= at) continue;
      if (c >= b) break;
      if (c > at) out.push([at, c]);
      at = Math.max(at, d);
      if (at >= b) break;
    }
    if (at < b) out.push([at, b]);
  }
  return out.filter(([x, y]) => y - x >= minMs);
}

export const totalMs = (intervals: readonly Interval[]) => intervals.reduce((n, [a, b]) => n + (b - a), 0);

/** Milliseconds of `a` that `b` also covers. */
export function overlapMs(a: readonly Interval[], b: readonly Interval[]): number {
  return totalMs(a) - totalMs(holes(a, b, 0));
}
