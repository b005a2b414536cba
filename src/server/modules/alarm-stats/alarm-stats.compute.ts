/**
 * The arithmetic of alarm statistics, free of any database: local (Beijing) time buckets, the
 * shift table and percentiles. The service feeds it one row per alarm.
 */
import { STAT_STEPS, type DurationSummary, type ShiftKey, type StatStep } from '../../../shared/alarm-stats.ts';

import { BEIJING_TIME_ZONE, beijingDate, beijingHour } from '../../../shared/beijing-time.ts';

export const TIME_ZONE = BEIJING_TIME_ZONE;

/**
 * Shifts (班次) of the command centre, by the local hour at which an alarm was CREATED (the shift
 * on duty when it came in is the one measured, even when handling runs into the next shift).
 * Hours are [from, to): 早班 08:00–16:00, 中班 16:00–24:00, 夜班 00:00–08:00 Beijing time.
 * Change the hours here; the API and the statistics page follow.
 */
export const SHIFTS = [
  { key: 'day', name: '早班', fromHour: 8, toHour: 16 },
  { key: 'evening', name: '中班', fromHour: 16, toHour: 24 },
  { key: 'night', name: '夜班', fromHour: 0, toHour: 8 },
] as const satisfies readonly { key: ShiftKey; name: string; fromHour: number; toHour: number }[];
export type { ShiftKey };

/**
 * The handling steps timed from the alarm's creation (`alarms.created_at`) to the first time the
 * step happened, read from the alarm's log (`alarm_log`):
 * - acknowledge: the first lifecycle step a PERSON took (actor set): acknowledge, or straight to
 *   dispatch / false alarm / resolve, a reset, or a guard accepting or arriving. Automatic
 *   dispatch by a linkage rule has no actor and does not count as acknowledging.
 * - dispatch: the first dispatch of guards (`dispatch`, by an operator or a linkage rule).
 * - arrive: the first arrival on scene (operator's `arrive` step or a guard's `guard.arrive`).
 * - close: reaching a final state, `closed` or `false_alarm`.
 * Alarms that never reached a step are not in that step's figures (see its `count`).
 */
export const STEPS = STAT_STEPS;
export type StepKey = StatStep;

/** Log actions that show a person responding to the alarm (see `acknowledge` above). */
export const PERSON_RESPONSE_ACTIONS = ['acknowledge', 'dispatch', 'arrive', 'resolve', 'close', 'false_alarm', 'reset', 'guard.accept', 'guard.arrive', 'guard.finish'] as const;
export const ARRIVE_ACTIONS = ['arrive', 'guard.arrive'] as const;
export const FINAL_STATES = ['closed', 'false_alarm'] as const;

export const localHour = beijingHour;
export const localDate = beijingDate;

export function shiftOf(ms: number): ShiftKey {
  const h = localHour(ms);
  return SHIFTS.find((s) => h >= s.fromHour && h < s.toHour)!.key;
}

/** Every local date from the one holding `fromMs` to the one holding the last instant before `toMs`. */
export function localDays(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const last = localDate(toMs - 1);
  for (let d = localDate(fromMs); d <= last; ) {
    out.push(d);
    const next = new Date(`${d}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    d = next.toISOString().slice(0, 10);
  }
  return out;
}

/**
 * Percentile by the nearest-rank method: the smallest observed value such that at least p % of
 * the values are less than or equal to it — sorted[ceil(p/100 · n) − 1]. Always an observed
 * duration (never an interpolation), so p50 of [10, 20, 30, 40] is 20 and p90 is 40. `null` for
 * no values.
 */
export function percentile(sortedAsc: readonly number[], p: number): number | null {
  const n = sortedAsc.length;
  if (!n) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sortedAsc[Math.min(rank, n) - 1]!;
}

export type { DurationSummary };

export function summarize(values: number[]): DurationSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

/** Seconds between two ISO instants, to the millisecond; null when the step never happened. */
export function secondsBetween(fromIso: string, toIso: string | null): number | null {
  if (toIso === null) return null;
  return (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
}

/** A share rounded to 4 decimals (0.3333), so that JSON stays readable and tests exact. */
export const ratio = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : 0);
