/**
 * 值班排班与持证上岗 (issue 15 items 1 and 3): posts (岗位) with their shift pattern, the month's
 * roster (排班) of who holds which post on which shift, its coverage gaps (S-DUTY24: a
 * command-centre post is staffed around the clock), and the operators' certificates (上岗证,
 * S-CERT: only a certified operator sits a command-centre post or acknowledges an alarm).
 * All times of day are Beijing time; a shift whose end is not after its start ends the next day.
 */
import { Type, type Static } from 'typebox';
import { BEIJING_OFFSET_MS, hhmmToMinutes } from './beijing-time.ts';
import { Nullable, Page, StringEnum } from './schema.ts';

export const POST_KINDS = ['command_seat', 'duty_leader', 'gatehouse', 'patrol_team'] as const;
export type PostKind = (typeof POST_KINDS)[number];

export const SHIFT_PATTERNS = ['3x8', '2x12', 'custom'] as const;
export type ShiftPattern = (typeof SHIFT_PATTERNS)[number];

export const CERTIFICATE_TYPES = ['安全防范系统操作员证', '消防设施操作员证', '保安员证', '其他'] as const;

export const DUTY_LIMITS = { name: 40, shifts: 6, certText: 60, maxRangeDays: 62, posts: 200 } as const;

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, Beijing time' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Beijing)' });

export const Shift = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9_]{1,16}$', description: 'Stable key of the shift within its post (day, night, early …)' }),
    name: Type.String({ minLength: 1, maxLength: 20 }),
    start: HHMM,
    end: Type.String({ ...HHMM, description: 'HH:MM; not after start means the next day (夜班 20:00–08:00)' }),
  },
  { additionalProperties: false },
);
export type Shift = Static<typeof Shift>;

/** The shifts of the fixed patterns. */
export const PATTERN_SHIFTS: Record<Exclude<ShiftPattern, 'custom'>, Shift[]> = {
  '2x12': [
    { code: 'day', name: '白班', start: '08:00', end: '20:00' },
    { code: 'night', name: '夜班', start: '20:00', end: '08:00' },
  ],
  '3x8': [
    { code: 'early', name: '早班', start: '08:00', end: '16:00' },
    { code: 'middle', name: '中班', start: '16:00', end: '00:00' },
    { code: 'night', name: '夜班', start: '00:00', end: '08:00' },
  ],
};

export const DutyPost = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    name: Type.String(),
    kind: StringEnum(POST_KINDS),
    commandCentre: Type.Boolean({ description: 'Needs 24-hour coverage and a certified operator (S-DUTY24, S-CERT)' }),
    pattern: StringEnum(SHIFT_PATTERNS),
    shifts: Type.Array(Shift),
    sort: Type.Integer(),
  },
  { $id: 'DutyPost', additionalProperties: false },
);
export type DutyPost = Static<typeof DutyPost>;

export const DutyPostInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: DUTY_LIMITS.name }),
    kind: StringEnum(POST_KINDS),
    commandCentre: Type.Boolean(),
    pattern: StringEnum(SHIFT_PATTERNS),
    shifts: Type.Optional(Type.Array(Shift, { minItems: 1, maxItems: DUTY_LIMITS.shifts, description: 'Only for pattern custom; the fixed patterns bring their own' })),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999 })),
    universityId: Type.Optional(Type.String({ description: 'Required for city-wide accounts' })),
  },
  { additionalProperties: false },
);
export type DutyPostInput = Static<typeof DutyPostInput>;

export const DutyAssignment = Type.Object(
  {
    id: Type.String(),
    postId: Type.String(),
    accountId: Type.String(),
    accountName: Type.String(),
    date: Day,
    shift: Type.String(),
    from: Type.String({ description: 'ISO instant the shift starts' }),
    to: Type.String({ description: 'ISO instant the shift ends' }),
  },
  { additionalProperties: false },
);
export type DutyAssignment = Static<typeof DutyAssignment>;

export const DutyAssignmentInput = Type.Object(
  { postId: Type.String({ minLength: 1, maxLength: 64 }), accountId: Type.String({ minLength: 1, maxLength: 64 }), date: Day, shift: Type.String({ minLength: 1, maxLength: 16 }) },
  { additionalProperties: false },
);
export type DutyAssignmentInput = Static<typeof DutyAssignmentInput>;

export const CoverageGap = Type.Object(
  { postId: Type.String(), postName: Type.String(), from: Type.String({ description: 'ISO instant' }), to: Type.String({ description: 'ISO instant' }) },
  { additionalProperties: false },
);
export type CoverageGap = Static<typeof CoverageGap>;

export const DutyStaff = Type.Object(
  {
    id: Type.String(),
    displayName: Type.String(),
    username: Type.String(),
    role: Type.String(),
    certifiedUntil: Nullable(Type.String({ description: 'Last day of the latest valid certificate today, or null: uncertified' })),
  },
  { additionalProperties: false },
);
export type DutyStaff = Static<typeof DutyStaff>;

export const DutyRoster = Type.Object(
  {
    universityId: Nullable(Type.String()),
    month: Month,
    state: StringEnum(['draft', 'published'] as const),
    publishedAt: Nullable(Type.String()),
    publishedBy: Nullable(Type.String()),
    posts: Type.Array(DutyPost),
    assignments: Type.Array(DutyAssignment),
    holidays: Type.Array(Type.Object({ date: Type.String(), kind: Type.String(), name: Nullable(Type.String()) }, { additionalProperties: false })),
    gaps: Type.Array(CoverageGap, { description: 'Where a command-centre post has nobody this month (draft or published roster)' }),
    staff: Type.Array(DutyStaff),
    certificationEnforced: Type.Boolean({ description: '持证上岗: the university keeps certificate records, so acknowledging an alarm needs a valid one' }),
  },
  { additionalProperties: false },
);
export type DutyRoster = Static<typeof DutyRoster>;

export const RosterQuery = Type.Object({ month: Month, universityId: Type.Optional(Type.String()) }, { additionalProperties: false });
export const CoverageQuery = Type.Object(
  { from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), universityId: Type.Optional(Type.String()), publishedOnly: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const PublishInput = Type.Object({ month: Month, universityId: Type.Optional(Type.String()) }, { additionalProperties: false });

export const Certificate = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    accountId: Type.String(),
    accountName: Type.String(),
    type: Type.String(),
    number: Type.String(),
    issuer: Type.String(),
    validFrom: Day,
    validTo: Day,
    status: StringEnum(['valid', 'expiring', 'expired', 'not_yet_valid'] as const, { description: 'expiring: ends within 30 days' }),
    scanSize: Nullable(Type.Integer({ description: 'Bytes of the stored scan (JPEG), null when none' })),
  },
  { $id: 'Certificate', additionalProperties: false },
);
export type Certificate = Static<typeof Certificate>;

export const CertificateInput = Type.Object(
  {
    accountId: Type.String({ minLength: 1, maxLength: 64 }),
    type: Type.String({ minLength: 1, maxLength: DUTY_LIMITS.certText }),
    number: Type.String({ minLength: 1, maxLength: DUTY_LIMITS.certText }),
    issuer: Type.String({ minLength: 1, maxLength: DUTY_LIMITS.certText }),
    validFrom: Day,
    validTo: Day,
  },
  { additionalProperties: false },
);
export type CertificateInput = Static<typeof CertificateInput>;

export const CertificateQuery = Type.Object(
  {
    universityId: Type.Optional(Type.String()),
    accountId: Type.Optional(Type.String()),
    status: Type.Optional(StringEnum(['valid', 'expiring', 'expired'] as const)),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type CertificateQuery = Static<typeof CertificateQuery>;
export const CertificatePage = Page(Certificate);
export type CertificatePage = Static<typeof CertificatePage>;

/** Days before a certificate's last day when it counts as expiring (and the warning goes out). */
export const EXPIRY_WARNING_DAYS = 30;

// ---- pure time arithmetic, shared by the server (gaps, events) and the console (the grid) ----

const DAY_MS = 86_400_000;

/** The instant a Beijing date's midnight is. */
export const beijingMidnight = (date: string): number => Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS;

/** Date `n` days after a YYYY-MM-DD date. */
export const addDays = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** The days of a YYYY-MM month. */
export function daysOfMonth(month: string): string[] {
  const first = `${month}-01`;
  const out: string[] = [];
  for (let d = first; d.startsWith(month); d = addDays(d, 1)) out.push(d);
  return out;
}

/** The instants a shift held on a date starts and ends (an end not after the start is the next day). */
export function shiftSpan(date: string, shift: Pick<Shift, 'start' | 'end'>): { from: number; to: number } {
  const midnight = beijingMidnight(date);
  const start = hhmmToMinutes(shift.start);
  let end = hhmmToMinutes(shift.end);
  if (end <= start) end += 24 * 60;
  return { from: midnight + start * 60_000, to: midnight + end * 60_000 };
}

/** Where [from, to) is not covered by the spans (exact, merged), in order. */
export function uncovered(spans: readonly { from: number; to: number }[], from: number, to: number): { from: number; to: number }[] {
  const sorted = spans.filter((s) => s.to > from && s.from < to).sort((a, b) => a.from - b.from);
  const gaps: { from: number; to: number }[] = [];
  let cursor = from;
  for (const s of sorted) {
    if (s.from > cursor) gaps.push({ from: cursor, to: Math.min(s.from, to) });
    cursor = Math.max(cursor, s.to);
    if (cursor >= to) break;
  }
  if (cursor < to) gaps.push({ from: cursor, to });
  return gaps;
}
