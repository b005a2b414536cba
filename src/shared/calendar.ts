/**
 * The school calendar (校历) of a university: days that do not count as their weekday for
 * arming schedules. Shared by the server (validation) and the web console (labels, forms).
 */

/** 法定节假日 · 调休上班日 (counts as a Monday) · 寒暑假. */
export const CALENDAR_DAY_KINDS = ['holiday', 'workday', 'vacation'] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

export interface CalendarDay {
  universityId: string;
  /** YYYY-MM-DD, Beijing date. */
  date: string;
  kind: CalendarDayKind;
  name: string | null;
}

/** Days one import may hold: a year and a bit. */
export const CALENDAR_IMPORT_MAX = 400;
