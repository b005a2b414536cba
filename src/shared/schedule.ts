import type { ScheduleT } from './alarms.ts';
import { BEIJING_OFFSET_MS, hhmmToMinutes } from './beijing-time.ts';

/** Calendar entries that change how a day counts (法定节假日, 调休上班日, 寒暑假). */
export type DayKind = 'holiday' | 'workday' | 'vacation';
export type Calendar = ReadonlyMap<string, DayKind>;


function beijing(instantMs: number): { date: string; weekday: number; minutes: number } {
  const d = new Date(instantMs + BEIJING_OFFSET_MS);
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  return { date: d.toISOString().slice(0, 10), weekday, minutes: d.getUTCHours() * 60 + d.getUTCMinutes() };
}


/**
 * Weekly time windows with the school calendar (holidays, makeup workdays, vacations): when an
 * alarm rule is armed, when a contractor's vehicle may enter.
 */

/**
 * How a calendar day counts for arming: 'armed' (all day), 'disarmed' (all day) or the weekday
 * whose periods apply. A holiday counts as Sunday, or is armed/disarmed all day, as the rule
 * says; a makeup workday (调休) counts as a Monday; a vacation day is armed all day or counts
 * as scheduled.
 */
function dayRule(s: ScheduleT, kind: DayKind | undefined, weekday: number): 'armed' | 'disarmed' | number {
  if (kind === 'holiday') return s.holidays === 'as_sunday' ? 7 : s.holidays;
  if (kind === 'vacation' && s.vacations === 'armed') return 'armed';
  if (kind === 'workday') return 1;
  return weekday;
}

/**
 * True when the instant falls in the schedule, in Beijing time with the school calendar: a rule is
 * armed (布防), a vehicle may pass. No schedule = always.
 */
export function inSchedule(schedule: ScheduleT | undefined, instantMs: number, calendar: Calendar = new Map()): boolean {
  if (!schedule) return true;
  const today = beijing(instantMs);
  const yesterday = beijing(instantMs - 86400_000);
  const ruleToday = dayRule(schedule, calendar.get(today.date), today.weekday);
  if (ruleToday === 'armed') return true;
  const ruleYesterday = dayRule(schedule, calendar.get(yesterday.date), yesterday.weekday);
  const m = today.minutes;
  for (const p of schedule.periods) {
    const from = hhmmToMinutes(p.from);
    const to = p.to === '24:00' ? 1440 : hhmmToMinutes(p.to);
    const overnight = to <= from;
    // A period belongs to the day it starts on; an overnight one runs on into the next morning.
    if (typeof ruleToday === 'number' && p.days.includes(ruleToday) && m >= from && (overnight || m < to)) return true;
    if (overnight && typeof ruleYesterday === 'number' && p.days.includes(ruleYesterday) && m < to) return true;
    if (overnight && ruleYesterday === 'armed' && m < to) return true;
  }
  return false;
}
