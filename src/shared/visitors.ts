/**
 * Visitors (访客管理, issue 14 item 4): a host registers a visit, the security office approves it,
 * the visitor shows a QR pass valid for a time window at a set of gates, and is checked in and out
 * at the gate (by a guard, or by a gate reader that reads the QR). Phone and id numbers leave the
 * server masked; the pass token only through GET /api/visits/:id/pass.
 */
import { Type, type Static } from 'typebox';
import { DIRECTIONS } from './events.ts';
import { Nullable, Page, StringEnum } from './schema.ts';

/** pending → approved | rejected → checked_in → checked_out; pending/approved may be cancelled, or expire unused. */
export const VISIT_STATES = ['pending', 'approved', 'rejected', 'checked_in', 'checked_out', 'cancelled', 'expired'] as const;
export type VisitState = (typeof VISIT_STATES)[number];

/** Device kinds a visitor may be let through at (entrances: people gates, vehicle barriers, doors). */
export const VISIT_GATE_KINDS = ['turnstile', 'barrier_gate', 'door'] as const;

/** Why a pass was not accepted at a gate. */
export const PASS_REFUSALS = ['not_approved', 'rejected', 'cancelled', 'not_yet_valid', 'expired', 'wrong_gate', 'already_inside', 'not_inside', 'checked_out'] as const;
export type PassRefusal = (typeof PASS_REFUSALS)[number];

export const VISIT_LOG_ACTIONS = ['registered', 'approved', 'rejected', 'cancelled', 'expired', 'checked_in', 'checked_out', 'refused', 'overstay'] as const;
export type VisitLogAction = (typeof VISIT_LOG_ACTIONS)[number];

/** Limits shared by the API body and the console's form. */
export const VISIT_LIMITS = { name: 40, reason: 200, note: 200, maxGates: 20, maxWindowHours: 72 } as const;

/**
 * A pass token: a fixed prefix (so a gate's other QR codes are told apart without a lookup) and
 * 24 random bytes in base64url; the QR carries exactly this text.
 */
export const PASS_TOKEN_PREFIX = 'XAV1-';
export const PASS_TOKEN_PATTERN = '^XAV1-[A-Za-z0-9_-]{32}$';

export const Visit = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    campusId: Type.String(),
    visitorName: Type.String(),
    visitorPhone: Type.String({ description: 'Masked (138****5678)' }),
    visitorIdNumber: Nullable(Type.String({ description: 'Masked (1101**********1234)' })),
    plate: Nullable(Type.String()),
    hostId: Type.String({ description: 'The account that registered the visit' }),
    hostName: Type.String(),
    reason: Type.String({ description: '来访事由' }),
    windowFrom: Type.String({ description: 'ISO 8601; the pass is valid from this instant' }),
    windowTo: Type.String({ description: 'ISO 8601; … up to, not including, this instant' }),
    gateIds: Type.Array(Type.String()),
    gateNames: Type.Array(Type.String()),
    state: StringEnum(VISIT_STATES),
    decidedBy: Nullable(Type.String()),
    decidedAt: Nullable(Type.String()),
    decisionNote: Nullable(Type.String()),
    checkedInAt: Nullable(Type.String()),
    checkedOutAt: Nullable(Type.String()),
    /** Still inside after the window ended. */
    overstaying: Type.Boolean(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Visit' },
);
export type Visit = Static<typeof Visit>;

export const VisitInput = Type.Object(
  {
    visitorName: Type.String({ minLength: 1, maxLength: VISIT_LIMITS.name, description: '访客姓名' }),
    visitorPhone: Type.String({ minLength: 1, maxLength: 20, description: 'Mainland mobile (11 digits) or landline (021-12345678)' }),
    visitorIdNumber: Type.Optional(Nullable(Type.String({ maxLength: 32, description: '18-digit resident id (checked), 15-digit old id, or a passport number' }))),
    plate: Type.Optional(Nullable(Type.String({ maxLength: 16, description: 'When the visitor comes by car, e.g. 沪A12345' }))),
    reason: Type.String({ minLength: 1, maxLength: VISIT_LIMITS.reason, description: '来访事由' }),
    campusId: Type.String({ minLength: 1, maxLength: 64 }),
    windowFrom: Type.String({ format: 'date-time' }),
    windowTo: Type.String({ format: 'date-time' }),
    gateIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: VISIT_LIMITS.maxGates, uniqueItems: true, description: 'Gates, turnstiles, barriers or doors the pass opens' }),
  },
  { additionalProperties: false },
);
export type VisitInput = Static<typeof VisitInput>;

export const VisitDecision = Type.Object({ note: Type.Optional(Type.String({ maxLength: VISIT_LIMITS.note })) }, { additionalProperties: false });
export type VisitDecision = Static<typeof VisitDecision>;

/** today: window overlaps today (Beijing); on_campus: checked in, not out. */
export const VISIT_VIEWS = ['today', 'pending', 'on_campus', 'all'] as const;
export type VisitView = (typeof VISIT_VIEWS)[number];

export const VisitQuery = Type.Object(
  {
    view: Type.Optional(StringEnum(VISIT_VIEWS, { default: 'all' })),
    state: Type.Optional(StringEnum(VISIT_STATES)),
    q: Type.Optional(Type.String({ maxLength: 40, description: 'Part of the visitor’s name, the host’s name or the plate' })),
    mine: Type.Optional(Type.Boolean({ description: 'Only visits the caller registered' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type VisitQuery = Static<typeof VisitQuery>;

export const VisitPage = Page(Type.Unsafe<Visit>(Type.Ref('Visit')));
export type VisitPage = Static<typeof VisitPage>;

/** The pass as the host shows it to the visitor: the token is what the QR code carries. */
export const VisitPass = Type.Object({
  visitId: Type.String(),
  token: Type.String(),
  visitorName: Type.String(),
  windowFrom: Type.String(),
  windowTo: Type.String(),
  gateNames: Type.Array(Type.String()),
  state: StringEnum(VISIT_STATES),
});
export type VisitPass = Static<typeof VisitPass>;

/** A guard at the gatehouse scans a pass (or picks the visit) and lets the visitor in or out. */
export const PassScan = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 64, description: 'What the QR code carries' }),
    gateId: Type.String({ minLength: 1, maxLength: 64, description: 'The gate the guard stands at' }),
    direction: StringEnum(DIRECTIONS),
  },
  { additionalProperties: false },
);
export type PassScan = Static<typeof PassScan>;

export const GateMove = Type.Object({ gateId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export type GateMove = Static<typeof GateMove>;

/** The gate's verdict on a pass: let through (and the visit's new state) or refused with the reason. */
export const PassVerdict = Type.Object({
  accepted: Type.Boolean(),
  refusal: Nullable(StringEnum(PASS_REFUSALS)),
  visit: Type.Unsafe<Visit>(Type.Ref('Visit')),
});
export type PassVerdict = Static<typeof PassVerdict>;

export const VisitLogEntry = Type.Object({
  id: Type.String(),
  visitId: Type.String(),
  at: Type.String(),
  action: StringEnum(VISIT_LOG_ACTIONS),
  refusal: Nullable(StringEnum(PASS_REFUSALS)),
  direction: Nullable(StringEnum(DIRECTIONS)),
  deviceId: Nullable(Type.String()),
  deviceName: Nullable(Type.String()),
  actorName: Nullable(Type.String({ description: 'The account, or null for a gate reader' })),
  note: Nullable(Type.String()),
});
export type VisitLogEntry = Static<typeof VisitLogEntry>;

/** A gate a visit may name: for the registration form. */
export const VisitGate = Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String(), campusId: Type.String() });
export type VisitGate = Static<typeof VisitGate>;
