/**
 * The demo university's school calendar (校历), written when it has none: the public holidays
 * and makeup workdays (调休) of the State Council's arrangements for 2025 and 2026 (2027 follows
 * the usual pattern and should be checked against the announcement), and the winter and summer
 * vacations. Arming schedules read it; the history is quieter on these days.
 */
import type { CalendarDayKind } from '../../../shared/calendar.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import { addDays } from '../../util/random.ts';
import type { HistoryContributor } from './contributor.ts';

type Span = [from: string, to: string, name: string];

const HOLIDAYS: Span[] = [
  ['2025-01-01', '2025-01-01', '元旦'],
  ['2025-01-28', '2025-02-04', '春节'],
  ['2025-04-04', '2025-04-06', '清明节'],
  ['2025-05-01', '2025-05-05', '劳动节'],
  ['2025-05-31', '2025-06-02', '端午节'],
  ['2025-10-01', '2025-10-08', '国庆节、中秋节'],
  ['2026-01-01', '2026-01-03', '元旦'],
  ['2026-02-15', '2026-02-23', '春节'],
  ['2026-04-04', '2026-04-06', '清明节'],
  ['2026-05-01', '2026-05-05', '劳动节'],
  ['2026-06-19', '2026-06-21', '端午节'],
  ['2026-09-25', '2026-09-27', '中秋节'],
  ['2026-10-01', '2026-10-07', '国庆节'],
  ['2027-01-01', '2027-01-03', '元旦'],
  ['2027-02-05', '2027-02-13', '春节'],
  ['2027-04-03', '2027-04-05', '清明节'],
  ['2027-05-01', '2027-05-05', '劳动节'],
  ['2027-06-09', '2027-06-11', '端午节'],
  ['2027-09-15', '2027-09-17', '中秋节'],
  ['2027-10-01', '2027-10-07', '国庆节'],
];
const MAKEUP_WORKDAYS: [string, string][] = [
  ['2025-01-26', '春节调休'],
  ['2025-02-08', '春节调休'],
  ['2025-04-27', '劳动节调休'],
  ['2025-09-28', '国庆节调休'],
  ['2025-10-11', '国庆节调休'],
  ['2026-01-04', '元旦调休'],
  ['2026-02-14', '春节调休'],
  ['2026-02-28', '春节调休'],
  ['2026-05-09', '劳动节调休'],
  ['2026-09-20', '国庆节调休'],
  ['2026-10-10', '国庆节调休'],
];
const VACATIONS: Span[] = [
  ['2025-01-13', '2025-02-16', '寒假'],
  ['2025-07-05', '2025-08-31', '暑假'],
  ['2026-01-17', '2026-02-28', '寒假'],
  ['2026-07-04', '2026-08-30', '暑假'],
  ['2027-01-16', '2027-02-21', '寒假'],
  ['2027-07-03', '2027-08-29', '暑假'],
];

export function schoolCalendarDays(): { date: string; kind: CalendarDayKind; name: string }[] {
  const days = new Map<string, { date: string; kind: CalendarDayKind; name: string }>();
  const span = ([from, to, name]: Span, kind: CalendarDayKind) => {
    for (let d = from; d <= to; d = addDays(d, 1)) if (!days.has(d)) days.set(d, { date: d, kind, name });
  };
  for (const h of HOLIDAYS) span(h, 'holiday'); // a holiday inside a vacation stays a holiday
  for (const [date, name] of MAKEUP_WORKDAYS) days.set(date, { date, kind: 'workday', name });
  for (const v of VACATIONS) span(v, 'vacation');
  return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** Writes the calendar when the university has none (a calendar the security office keeps is left alone). */
export function schoolCalendar(): HistoryContributor {
  return {
    name: 'school calendar',
    async contribute(ctx) {
      if ((await ctx.services.calendar.daysOf(ctx.universityId)).size) return;
      const days = schoolCalendarDays();
      for (let i = 0; i < days.length; i += 300) {
        await ctx.services.calendar.importDays(SYSTEM_ACTOR, { universityId: ctx.universityId, days: days.slice(i, i + 300) });
      }
      ctx.count('calendar days', days.length);
    },
  };
}
