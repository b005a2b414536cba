import { Type, type Static } from 'typebox';
import { DIRECTIONS } from './events.ts';
import { Nullable, StringEnum } from './schema.ts';

/**
 * 全程可溯 (issue 14): where a person, a card or a vehicle was seen over a period, and who is on
 * campus now. Every trajectory query carries a reason and is audited (personal-information rules).
 */

/** What a query may follow: a person (all their credentials as held over time), a card number, a plate, a visit (its pass and plate). */
export const TRAJECTORY_SUBJECTS = ['person', 'card', 'plate', 'visitor'] as const;
export type TrajectorySubjectType = (typeof TRAJECTORY_SUBJECTS)[number];

/**
 * How a sighting was linked to the subject: the person id in the event, one of their credentials,
 * the plate; `visit`: a visitor's pass that a guard recorded at the gate by hand (no device event).
 */
export const SIGHTING_VIA = ['person', 'card', 'qr', 'face', 'plate', 'guard', 'visit'] as const;
export type SightingVia = (typeof SIGHTING_VIA)[number];

export const TRAJECTORY_LIMITS = {
  /** The default period: the last 24 hours. */
  defaultHours: 24,
  /** The longest period one query may cover. */
  maxDays: 31,
  /** Most sightings one answer carries (a narrower period shows the rest). */
  maxSightings: 5000,
  reasonMin: 4,
  reasonMax: 200,
  /** Shortest partial name or plate the candidate search accepts. */
  candidateMin: 1,
  candidateMax: 40,
} as const;

export const TrajectoryQuery = Type.Object(
  {
    type: StringEnum(TRAJECTORY_SUBJECTS, { description: 'person: a person of the register (by id); card: a card number; plate: a full plate; visitor: a visit (by id): its pass and its plate' }),
    value: Type.String({ minLength: 1, maxLength: 64, description: 'The person id, card number, plate or visit id' }),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Start (ISO 8601); default: `to` minus 24 h' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (ISO 8601); default: now' })),
    reason: Type.String({ minLength: 1, maxLength: TRAJECTORY_LIMITS.reasonMax, description: `Why this trajectory is needed (at least ${TRAJECTORY_LIMITS.reasonMin} characters); written to the audit log` }),
    universityId: Type.Optional(Type.String({ maxLength: 64, description: 'City-wide accounts only: the university of a card or plate' })),
  },
  { additionalProperties: false },
);
export type TrajectoryQuery = Static<typeof TrajectoryQuery>;

export const Sighting = Type.Object({
  eventId: Type.String(),
  at: Type.String(),
  kind: Type.String({ description: 'Event kind: access.granted, access.denied, plate.read, face.match, patrol.checkin' }),
  direction: Nullable(StringEnum(DIRECTIONS)),
  via: StringEnum(SIGHTING_VIA),
  deviceId: Type.String(),
  deviceName: Type.String(),
  deviceKind: Type.String(),
  buildingName: Nullable(Type.String()),
  campusName: Nullable(Type.String()),
  lon: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
});
export type Sighting = Static<typeof Sighting>;

export const Trajectory = Type.Object({
  type: StringEnum(TRAJECTORY_SUBJECTS),
  /** What the subject is shown as: the person's name and 学工号, the masked card number, the plate. */
  label: Type.String(),
  personId: Nullable(Type.String()),
  from: Type.String(),
  to: Type.String(),
  /** The credentials followed and when each belonged to the subject (values masked). */
  credentials: Type.Array(Type.Object({ kind: Type.String(), value: Type.String(), from: Type.String(), to: Nullable(Type.String()) })),
  /** Card queries: who held the card when (names only). */
  holders: Type.Array(Type.Object({ personId: Type.String(), name: Type.String(), from: Type.String(), to: Nullable(Type.String()) })),
  sightings: Type.Array(Sighting),
  truncated: Type.Boolean(),
});
export type Trajectory = Static<typeof Trajectory>;

export const CandidateQuery = Type.Object(
  {
    type: StringEnum(['person', 'plate', 'visitor'] as const, { description: 'person: part of a name or 学工号; plate: the start of a plate (沪A12); visitor: part of a visitor’s or host’s name or plate' }),
    q: Type.String({ minLength: TRAJECTORY_LIMITS.candidateMin, maxLength: TRAJECTORY_LIMITS.candidateMax }),
    universityId: Type.Optional(Type.String({ maxLength: 64, description: 'City-wide accounts only' })),
  },
  { additionalProperties: false },
);
export type CandidateQuery = Static<typeof CandidateQuery>;

export const Candidate = Type.Object({
  type: StringEnum(TRAJECTORY_SUBJECTS),
  /** The `value` to query with: a person id, a plate or a visit id. */
  value: Type.String(),
  label: Type.String(),
  detail: Nullable(Type.String()),
});
export type Candidate = Static<typeof Candidate>;

/** Entries and exits at one entrance device in one Beijing hour. */
export const GateHour = Type.Object({ deviceId: Type.String(), deviceName: Type.String(), hour: Type.Integer({ minimum: 0, maximum: 23 }), in: Type.Integer(), out: Type.Integer() });
export type GateHour = Static<typeof GateHour>;

export const OnCampus = Type.Object({
  at: Type.String(),
  people: Type.Object({
    /** People whose last pass at an entrance was inwards. */
    inside: Type.Integer(),
    /** The same, by person kind (student, staff …; `unknown` for a card the register does not know). */
    byKind: Type.Record(Type.String(), Type.Integer()),
  }),
  vehicles: Type.Object({ inside: Type.Integer(), byList: Type.Record(Type.String(), Type.Integer()) }),
});
export type OnCampus = Static<typeof OnCampus>;

export const UniversityScopeQuery = Type.Object({ universityId: Type.Optional(Type.String({ maxLength: 64, description: 'City-wide accounts only' })) }, { additionalProperties: false });
export const GateTrafficQuery = Type.Object(
  { date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Beijing date YYYY-MM-DD; default: today' })), universityId: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);

export const GateTraffic = Type.Object({
  date: Type.String({ description: 'Beijing date YYYY-MM-DD' }),
  people: Type.Array(GateHour),
  vehicles: Type.Array(GateHour),
});
export type GateTraffic = Static<typeof GateTraffic>;
