/**
 * The school calendar (校历) of a university: days that do not count as their weekday for
 * arming schedules. Shared by the server (validation) and the web console (labels, forms).
 */
import { Type, type Static } from 'typebox';
import { Nullable, RefTo, StringEnum } from './schema.ts';

/** 法定节假日 · 调休上班日 (counts as a Monday) · 寒暑假. */
export const CALENDAR_DAY_KINDS = ['holiday', 'workday', 'vacation'] as const;
export const CalendarDayKind = StringEnum(CALENDAR_DAY_KINDS, { description: 'holiday = 法定节假日, workday = 调休上班日 (counts as a Monday), vacation = 寒暑假' });
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/** Days one import may hold: a year and a bit. */
export const CALENDAR_IMPORT_MAX = 400;

export const CalendarDate = Type.String({ format: 'date', description: 'YYYY-MM-DD (Beijing date)' });
const DayName = Type.String({ maxLength: 50, description: 'e.g. 国庆节, 暑假' });

export const CalendarDay = Type.Object(
  // date: YYYY-MM-DD, Beijing date.
  { universityId: Type.String(), date: Type.String(), kind: CalendarDayKind, name: Nullable(Type.String()) },
  { $id: 'CalendarDay', additionalProperties: false },
);
export type CalendarDay = Static<typeof CalendarDay>;

/** Body of PUT /api/calendar-days/:date. */
export const CalendarMark = Type.Object(
  { kind: CalendarDayKind, name: Type.Optional(Nullable(DayName)), universityId: Type.Optional(Type.String({ description: 'Required for city-wide accounts' })) },
  { additionalProperties: false },
);
export type CalendarMark = Static<typeof CalendarMark>;

/** Body of POST /api/calendar-days/import. */
export const CalendarImport = Type.Object(
  {
    universityId: Type.Optional(Type.String({ description: 'Required for city-wide accounts' })),
    replace: Type.Optional(Type.Boolean({ description: 'First clear every mark between the first and the last date of the list' })),
    days: Type.Array(Type.Object({ date: CalendarDate, kind: CalendarDayKind, name: Type.Optional(Nullable(DayName)) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: CALENDAR_IMPORT_MAX,
    }),
  },
  { additionalProperties: false },
);
export type CalendarImport = Static<typeof CalendarImport>;

/** Answer of POST /api/calendar-days/import. */
export const CalendarImportResult = Type.Object({ imported: Type.Integer(), removed: Type.Integer({ description: 'Marks cleared by `replace`' }), days: Type.Array(RefTo(CalendarDay)) });
export type CalendarImportResult = Static<typeof CalendarImportResult>;
