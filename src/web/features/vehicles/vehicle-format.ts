import type { TFunction } from 'i18next';
import type { ScheduleT } from '../../../shared/alarms.ts';
import { BEIJING_OFFSET_MS, beijingDateTime } from '../../../shared/beijing-time.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';

const WEEKDAYS = [1, 2, 3, 4, 5] as const;
const sameDays = (days: readonly number[], wanted: readonly number[]) => days.length === wanted.length && wanted.every((d) => days.includes(d));

/** One period's days as a security office says them: 工作日, 周末, 每天, or 周一、三、五. */
function daysText(days: readonly number[], t: TFunction): string {
  if (sameDays(days, [1, 2, 3, 4, 5, 6, 7])) return t('vehicles.hours.everyDay');
  if (sameDays(days, WEEKDAYS)) return t('vehicles.hours.weekdays');
  if (sameDays(days, [6, 7])) return t('vehicles.hours.weekend');
  return t('vehicles.hours.days', { days: [...days].sort().map((d) => t(`rules.weekday.${d as 1 | 2 | 3 | 4 | 5 | 6 | 7}`)).join(t('vehicles.hours.daySeparator')) });
}

/**
 * A vehicle's hours as one line, e.g. “工作日 18:00–22:00，节假日除外”; null hours = any time.
 * The console shows hours read-only: contractors get the server's default (weekdays 18–22).
 */
export function hoursText(schedule: ScheduleT | null, t: TFunction): string {
  if (!schedule) return t('vehicles.hours.anyTime');
  const periods = schedule.periods.map((p) => `${daysText(p.days, t)} ${p.from}–${p.to}`).join(t('vehicles.hours.periodSeparator'));
  const holidays = schedule.holidays === 'disarmed' ? t('vehicles.hours.notOnHolidays') : schedule.holidays === 'armed' ? t('vehicles.hours.holidaysAllDay') : t('vehicles.hours.holidaysAsSunday');
  return `${periods}${t('vehicles.hours.periodSeparator')}${holidays}`;
}

/** A Beijing wall-clock time from a picker (“2026-03-02 18:00”) as an ISO instant, whatever the browser's zone. */
export function beijingInputToIso(wallClock: string): string {
  return new Date(Date.parse(`${wallClock.replace(' ', 'T')}:00Z`) - BEIJING_OFFSET_MS).toISOString();
}

/** An ISO instant as the Beijing wall-clock text a picker shows (“2026-03-02 18:00”). */
export function isoToBeijingInput(iso: string): string {
  return beijingDateTime(Date.parse(iso)).slice(0, 16);
}

/**
 * The server's field problems in the user's words where the vehicles API has its own (its reasons
 * are English sentences): a bad or taken plate, a pass ending too early or too late, a bad phone.
 */
export function vehicleProblems(details: readonly FieldProblem[], t: TFunction): FieldProblem[] {
  return details.map((p) => {
    const say = (reason: string): FieldProblem => ({ field: p.field, reason });
    if (p.field === 'plate' && p.rule === 'pattern') return say(t('vehicles.errors.platePattern'));
    if (p.field === 'plate' && p.rule === 'unique') return say(t('vehicles.errors.plateTaken'));
    if (p.field === 'ownerPhone' && p.rule === 'pattern') return say(t('vehicles.errors.phonePattern'));
    if (p.field === 'validUntil' && p.reason.includes('after validFrom')) return say(t('vehicles.errors.untilBeforeFrom'));
    if (p.field === 'validUntil' && p.reason.includes('at most')) return say(t('vehicles.errors.guestPassTooLong'));
    if (p.field === 'validUntil' && p.rule === 'required') return say(t('vehicles.errors.guestNeedsEnd'));
    if (p.field === 'ownerName' && p.rule === 'required') return say(t('validation.required'));
    return p;
  });
}
