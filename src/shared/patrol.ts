/**
 * 电子巡更 (guard patrol, issue 15 item 5; electronic patrol systems as GA/T 644 describes them):
 * checkpoints (巡更点) on the campus map, each with a QR token printed at it, an optional
 * checkpoint device and a geofence for GPS check-ins; routes (巡更路线) of checkpoints, ordered
 * or in any order, with a time window per checkpoint from the tour's start and a schedule; tours
 * (one run of a route at a scheduled start) and their check-ins; the patrol report per guard,
 * route and day.
 */
import { Type, type Static } from 'typebox';
import { Nullable, Page, StringEnum } from './schema.ts';

export const PATROL_LIMITS = { name: 60, maxCheckpoints: 50, maxStartTimes: 24, maxGuards: 20, minRadiusM: 5, maxRadiusM: 500, maxWithinMin: 720 } as const;

/** What a checkpoint's QR code carries: a fixed prefix and 16 random base64url characters. */
export const CHECKPOINT_TOKEN_PREFIX = 'XAP1-';
export const CHECKPOINT_TOKEN_PATTERN = '^XAP1-[A-Za-z0-9_-]{16}$';
/** The query parameter of the guard page that carries a scanned checkpoint token (a normal phone camera opens /guard?cp=…). */
export const CHECKPOINT_QUERY_PARAM = 'cp';

export const CHECKIN_METHODS = ['qr', 'nfc', 'gps', 'device'] as const;
export type CheckinMethod = (typeof CHECKIN_METHODS)[number];

/** A point of a tour: pending (window open), on_time, late (after its window, within the grace), missed (grace passed). */
export const POINT_STATUSES = ['pending', 'on_time', 'late', 'missed'] as const;
export type PointStatus = (typeof POINT_STATUSES)[number];

/** upcoming (starts later), running, done (every point checked or missed, all on time), incomplete (some missed). */
export const TOUR_STATES = ['upcoming', 'running', 'done', 'incomplete'] as const;
export type TourState = (typeof TOUR_STATES)[number];

/** On a public holiday a route runs as usual, does not run, or runs as on a Sunday. */
export const HOLIDAY_POLICIES = ['run', 'skip', 'as_sunday'] as const;

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, Beijing time' });
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const Checkpoint = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    campusId: Nullable(Type.String()),
    name: Type.String(),
    lon: Type.Number(),
    lat: Type.Number(),
    radiusM: Type.Integer({ description: 'Geofence for a GPS check-in' }),
    deviceId: Nullable(Type.String({ description: 'The checkpoint device (巡更点 reader/button) in the ledger, if any' })),
    deviceName: Nullable(Type.String()),
    token: Nullable(Type.String({ description: 'What the QR code printed at the checkpoint carries; only for those who set up patrols' })),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'PatrolCheckpoint' },
);
export type Checkpoint = Static<typeof Checkpoint>;

export const CheckpointInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: PATROL_LIMITS.name }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    radiusM: Type.Optional(Type.Integer({ minimum: PATROL_LIMITS.minRadiusM, maximum: PATROL_LIMITS.maxRadiusM, default: 30 })),
    campusId: Type.Optional(Nullable(Id)),
    deviceId: Type.Optional(Nullable(Id)),
    universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university; others always their own' })),
  },
  { additionalProperties: false },
);
export type CheckpointInput = Static<typeof CheckpointInput>;

export const RoutePoint = Type.Object(
  {
    checkpointId: Id,
    withinMin: Type.Integer({ minimum: 1, maximum: PATROL_LIMITS.maxWithinMin, description: 'Reach it within this many minutes of the tour’s start' }),
  },
  { additionalProperties: false },
);

export const RouteInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: PATROL_LIMITS.name }),
    ordered: Type.Boolean({ description: 'Checkpoints in the listed order (else any order)' }),
    points: Type.Array(RoutePoint, { minItems: 1, maxItems: PATROL_LIMITS.maxCheckpoints }),
    minStepS: Type.Integer({ minimum: 0, maximum: 3600, description: 'Least plausible walking time between two check-ins; faster is suspicious (0: no check)' }),
    lateGraceMin: Type.Integer({ minimum: 0, maximum: 240, description: 'A check-in this long after the window still counts, as late; after it the checkpoint is missed' }),
    startTimes: Type.Array(HHMM, { minItems: 1, maxItems: PATROL_LIMITS.maxStartTimes, uniqueItems: true }),
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true, description: 'ISO weekdays, 1 = Monday; a makeup workday (调休) counts as Monday' }),
    holidays: StringEnum(HOLIDAY_POLICIES),
    guardIds: Type.Array(Id, { maxItems: PATROL_LIMITS.maxGuards, uniqueItems: true, description: 'Assigned guards (any guard may walk a tour)' }),
    enabled: Type.Boolean(),
    universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university; others always their own' })),
  },
  { additionalProperties: false },
);
export type RouteInput = Static<typeof RouteInput>;

export const Route = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    name: Type.String(),
    ordered: Type.Boolean(),
    points: Type.Array(Type.Object({ checkpointId: Type.String(), name: Type.String(), withinMin: Type.Integer() })),
    minStepS: Type.Integer(),
    lateGraceMin: Type.Integer(),
    startTimes: Type.Array(Type.String()),
    days: Type.Array(Type.Integer()),
    holidays: StringEnum(HOLIDAY_POLICIES),
    guardIds: Type.Array(Type.String()),
    guardNames: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'PatrolRoute' },
);
export type Route = Static<typeof Route>;

export const TourPoint = Type.Object({
  checkpointId: Type.String(),
  name: Type.String(),
  seq: Type.Integer({ description: '1-based place in the route' }),
  lon: Type.Number(),
  lat: Type.Number(),
  dueAt: Type.String({ description: 'End of its window, ISO 8601' }),
  checkedAt: Nullable(Type.String()),
  method: Nullable(StringEnum(CHECKIN_METHODS)),
  guardId: Nullable(Type.String()),
  guardName: Nullable(Type.String()),
  status: StringEnum(POINT_STATUSES),
  outOfOrder: Type.Boolean(),
});
export type TourPoint = Static<typeof TourPoint>;

export const Tour = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    routeId: Type.String(),
    routeName: Type.String(),
    ordered: Type.Boolean(),
    day: Type.String({ description: 'Beijing date of its start' }),
    startsAt: Type.String(),
    endsAt: Type.String({ description: 'The last window’s end plus the grace: after it nothing more counts' }),
    state: StringEnum(TOUR_STATES),
    guardIds: Type.Array(Type.String(), { description: 'Assigned' }),
    walkedBy: Type.Array(Type.String(), { description: 'Names of the guards who checked in' }),
    tooFast: Type.Boolean(),
    planned: Type.Integer(),
    done: Type.Integer(),
    points: Type.Array(TourPoint),
  },
  { $id: 'PatrolTour' },
);
export type Tour = Static<typeof Tour>;

export const PagedQuery = {
  universityId: Type.Optional(Type.String({ description: 'City-wide accounts: one university' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
};
export const PatrolListQuery = Type.Object(PagedQuery, { additionalProperties: false });
export type PatrolListQuery = Static<typeof PatrolListQuery>;

export const TourQuery = Type.Object(
  { ...PagedQuery, date: Type.Optional(Type.String({ format: 'date', description: 'Beijing date; default today' })) },
  { additionalProperties: false },
);
export type TourQuery = Static<typeof TourQuery>;

export const CheckpointPage = Page(Type.Unsafe<Checkpoint>(Type.Ref('PatrolCheckpoint')));
export type CheckpointPage = Static<typeof CheckpointPage>;
export const RoutePage = Page(Type.Unsafe<Route>(Type.Ref('PatrolRoute')));
export type RoutePage = Static<typeof RoutePage>;
export const TourPage = Page(Type.Unsafe<Tour>(Type.Ref('PatrolTour')));
export type TourPage = Static<typeof TourPage>;

/** One line of the patrol report: a guard on a route on a day (guard null: nobody checked in). */
export const ReportRow = Type.Object({
  universityId: Type.String(),
  day: Type.String(),
  guardId: Nullable(Type.String()),
  guardName: Nullable(Type.String()),
  routeId: Type.String(),
  routeName: Type.String(),
  tours: Type.Integer(),
  planned: Type.Integer({ description: 'Checkpoints planned (tours × checkpoints)' }),
  done: Type.Integer({ description: 'Checked in (on time or late)' }),
  onTime: Type.Integer(),
  late: Type.Integer(),
  missed: Type.Integer(),
  pending: Type.Integer({ description: 'Windows still open' }),
  outOfOrder: Type.Integer(),
  tooFastTours: Type.Integer(),
  completionPct: Type.Number({ description: 'done / planned × 100, one decimal' }),
  lateMin: Type.Integer({ description: 'Total minutes the late check-ins came after their window' }),
});
export type ReportRow = Static<typeof ReportRow>;

export const ReportQuery = Type.Object(
  {
    date: Type.Optional(Type.String({ format: 'date', description: 'Beijing date; default today' })),
    universityId: Type.Optional(Type.String({ description: 'City-wide accounts: one university' })),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;
export const PatrolReport = Type.Object({ date: Type.String(), rows: Type.Array(ReportRow, { maxItems: 2000 }) });
export type PatrolReport = Static<typeof PatrolReport>;

/** The guard's phone checks in: by the token the checkpoint's QR carries, or by position within its geofence. */
export const PhoneCheckin = Type.Union([
  Type.Object(
    {
      token: Type.String({ minLength: 1, maxLength: 300, description: 'The QR token (or the guard page URL that carries it)' }),
      via: Type.Optional(StringEnum(['qr', 'nfc'] as const, { description: 'How the phone read it: the QR code (default) or the NFC tag at the checkpoint, which carries the same URL' })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      checkpointId: Id,
      lon: Type.Number({ minimum: -180, maximum: 180 }),
      lat: Type.Number({ minimum: -90, maximum: 90 }),
      accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
    },
    { additionalProperties: false },
  ),
]);
export type PhoneCheckin = Static<typeof PhoneCheckin>;

export const CheckinResult = Type.Object({
  checkpointName: Type.String(),
  status: StringEnum(POINT_STATUSES),
  outOfOrder: Type.Boolean(),
  /** The tour the check-in counted for. */
  tour: Type.Unsafe<Tour>(Type.Ref('PatrolTour')),
});
export type CheckinResult = Static<typeof CheckinResult>;

/** The token in what a phone camera read: the bare token, or the guard page URL with ?cp=. */
export function tokenFromScan(text: string): string {
  const t = text.trim();
  const m = /[?&]cp=([A-Za-z0-9_-]+)/.exec(t);
  return m ? `${CHECKPOINT_TOKEN_PREFIX}${m[1].replace(/^XAP1-/, '')}` : t;
}

/** Metres between two positions (haversine). */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}
