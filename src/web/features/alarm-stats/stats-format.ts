/**
 * Pure helpers of the statistics page: the Beijing-time window of a date range, and durations
 * split into hours, minutes and seconds for the i18n templates.
 */
import type { TFunction } from 'i18next';
import { beijingDate } from '../../../shared/beijing-time.ts';

/** Today's date in Beijing time, YYYY-MM-DD (the server's days are Beijing days too). */
export function beijingToday(nowMs = Date.now()): string {
  return beijingDate(nowMs);
}

/** YYYY-MM-DD plus n days. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The API window of an inclusive range of Beijing dates: [first 00:00, day after last 00:00). */
export function windowOf(first: string, last: string): { from: string; to: string } {
  return { from: `${first}T00:00:00+08:00`, to: `${addDays(last, 1)}T00:00:00+08:00` };
}

/** The last `days` Beijing dates up to today, inclusive. */
export function lastDays(days: number, nowMs = Date.now()): [string, string] {
  const today = beijingToday(nowMs);
  return [addDays(today, -(days - 1)), today];
}

export type DurationParts = { key: 'none' } | { key: 's'; s: number } | { key: 'ms'; m: number; s: number } | { key: 'hm'; h: number; m: number };

/** 45 → 45 s; 125 → 2 min 5 s; 3720 → 1 h 2 min (seconds dropped past an hour). */
export function durationParts(seconds: number | null): DurationParts {
  if (seconds === null) return { key: 'none' };
  const total = Math.round(seconds);
  if (total < 60) return { key: 's', s: total };
  if (total < 3600) return { key: 'ms', m: Math.floor(total / 60), s: total % 60 };
  return { key: 'hm', h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60) };
}

/** A duration in the user's language (alarmStats.duration.*); the empty mark for null. */
export function formatDuration(t: TFunction, seconds: number | null): string {
  const p = durationParts(seconds);
  switch (p.key) {
    case 'none':
      return t('common.empty');
    case 's':
      return t('alarmStats.duration.s', { s: p.s });
    case 'ms':
      return t('alarmStats.duration.ms', { m: p.m, s: p.s });
    case 'hm':
      return t('alarmStats.duration.hm', { h: p.h, m: p.m });
  }
}

/** Percent with one decimal: 0.2857 → 28.6. */
export const percent = (rate: number) => Math.round(rate * 1000) / 10;
