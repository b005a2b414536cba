import { Type, type Static } from 'typebox';
import { Schedule } from './alarms.ts';
import { DIRECTIONS } from './events.ts';
import { Nullable, Page, StringEnum } from './schema.ts';

/**
 * Vehicles (车辆) and the gate: which plates may enter when, the decision on every plate read at a
 * gate lane, and who is on campus now (issue 14, S-GATE).
 */

/** 车辆名单: the list a plate is on. Banned (黑名单) is refused and raises `vehicle.banned`. */
export const VEHICLE_LISTS = ['staff', 'student', 'contractor', 'guest', 'banned'] as const;
export type VehicleList = (typeof VEHICLE_LISTS)[number];

export const GATE_DECISIONS = ['open', 'deny'] as const;
export type GateDecision = (typeof GATE_DECISIONS)[number];

/** Why a gate opened or not. `exit`: a vehicle leaving is let out (it is inside; keeping it helps no one). */
export const GATE_REASONS = ['listed', 'exit', 'banned', 'unknown', 'not_yet_valid', 'expired', 'outside_hours', 'not_approved', 'low_confidence'] as const;
export type GateReason = (typeof GATE_REASONS)[number];

/** What became of the barrier command after an `open` decision. */
export const BARRIER_OUTCOMES = ['acknowledged', 'refused', 'no_ack', 'not_sent', 'no_barrier', 'pending'] as const;
export type BarrierOutcome = (typeof BARRIER_OUTCOMES)[number];

/** Below this read confidence the gate does not decide by itself: the guard at the lane checks the plate. */
export const MIN_PLATE_CONFIDENCE = 0.6;

/** Contractors (外包/施工车辆) enter on weekdays 18:00–22:00 unless their entry says otherwise; not on holidays. */
export const CONTRACTOR_DEFAULT_SCHEDULE: Static<typeof Schedule> = {
  periods: [{ days: [1, 2, 3, 4, 5], from: '18:00', to: '22:00' }],
  holidays: 'disarmed',
  vacations: 'as_scheduled',
};

/** Mainland plates: province, letter, 5 characters (6 for new-energy plates), optional 挂/学/警/港/澳/领. */
export const PLATE_PATTERN = '^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z][A-Z0-9]{4,6}[挂学警港澳领]?$';

/** A plate as typed or read (spaces, dots, lower case) in the form it is stored and compared. */
export function normalizePlate(plate: string): string {
  return plate.replace(/[\s·.\-•]/g, '').toUpperCase();
}

export const Vehicle = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    plate: Type.String(),
    list: StringEnum(VEHICLE_LISTS),
    ownerName: Type.String(),
    /** Masked (138****5678). */
    ownerPhone: Nullable(Type.String()),
    ownerDepartment: Nullable(Type.String()),
    validFrom: Nullable(Type.String({ description: 'ISO 8601; null = from now on' })),
    validUntil: Nullable(Type.String({ description: 'ISO 8601; null = no end' })),
    /** When the vehicle may enter; null = any time (contractors get weekdays 18–22 by default). */
    schedule: Nullable(Schedule),
    /** Guests only: who approved the entry and when; a guest without approval is not let in. */
    approvedBy: Nullable(Type.String()),
    approvedAt: Nullable(Type.String()),
    note: Nullable(Type.String()),
    status: StringEnum(['active', 'revoked'] as const),
    /** On campus now: its last passage was an entry. */
    inside: Type.Boolean(),
    lastPassageAt: Nullable(Type.String()),
    updatedAt: Type.String(),
  },
  { $id: 'Vehicle' },
);
export type Vehicle = Static<typeof Vehicle>;

export const VehicleInput = Type.Object(
  {
    plate: Type.String({ minLength: 2, maxLength: 16, description: 'e.g. 沪A12345 (spaces and dots are ignored)' }),
    list: StringEnum(VEHICLE_LISTS),
    ownerName: Type.String({ minLength: 1, maxLength: 40 }),
    ownerPhone: Type.Optional(Nullable(Type.String({ pattern: '^1[3-9]\\d{9}$', description: 'Mainland mobile number' }))),
    ownerDepartment: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    validFrom: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    validUntil: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    schedule: Type.Optional(Nullable(Schedule)),
    note: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
);
export type VehicleInput = Static<typeof VehicleInput>;

/** A new entry: for city-wide accounts, also the university it belongs to. */
export const VehicleCreate = Type.Object(
  { ...VehicleInput.properties, universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university; others: their own (or omitted)' })) },
  { additionalProperties: false },
);
export type VehicleCreate = Static<typeof VehicleCreate>;

export const VehicleQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 40, description: 'Part of the plate or the owner name' })),
    list: Type.Optional(StringEnum(VEHICLE_LISTS)),
    inside: Type.Optional(Type.Boolean()),
    status: Type.Optional(StringEnum(['active', 'revoked'] as const)),
    // Bounded: a page number like 99999999999999999999 overflows the database's OFFSET.
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type VehicleQuery = Static<typeof VehicleQuery>;

export const VehiclePage = Page(Type.Unsafe<Vehicle>(Type.Ref('Vehicle')));
export type VehiclePage = Static<typeof VehiclePage>;

/** 通行记录: one plate read at a gate lane and what the platform decided. */
export const GatePassage = Type.Object(
  {
    id: Type.String({ description: 'The plate read event’s id' }),
    universityId: Type.String(),
    at: Type.String(),
    deviceId: Type.String({ description: 'The plate camera (车牌识别) of the lane' }),
    deviceName: Type.String(),
    barrierId: Nullable(Type.String({ description: 'The barrier gate (道闸) the lane opens' })),
    plate: Type.String(),
    direction: StringEnum(DIRECTIONS),
    confidence: Type.Number(),
    decision: StringEnum(GATE_DECISIONS),
    reason: StringEnum(GATE_REASONS),
    vehicleId: Nullable(Type.String()),
    list: Nullable(StringEnum(VEHICLE_LISTS)),
    ownerName: Nullable(Type.String()),
    barrier: Nullable(StringEnum(BARRIER_OUTCOMES)),
    /** From the plate read to the barrier's acknowledgement. */
    barrierMs: Nullable(Type.Integer()),
  },
  { $id: 'GatePassage' },
);
export type GatePassage = Static<typeof GatePassage>;

export const GatePassageQuery = Type.Object(
  {
    plate: Type.Optional(Type.String({ maxLength: 16, description: 'Part of a plate' })),
    decision: Type.Optional(StringEnum(GATE_DECISIONS)),
    deviceId: Type.Optional(Type.String()),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type GatePassageQuery = Static<typeof GatePassageQuery>;

/** 在校车辆: listed vehicles inside now, and today's entries and exits per hour (Beijing). */
export const VehiclesOnCampus = Type.Object({
  inside: Type.Integer(),
  byList: Type.Record(Type.String(), Type.Integer()),
  /** Guests and contractors still inside after their pass ended. */
  overstaying: Type.Array(Type.Object({ vehicleId: Type.String(), plate: Type.String(), list: StringEnum(VEHICLE_LISTS), ownerName: Type.String(), validUntil: Type.String() })),
  today: Type.Array(Type.Object({ hour: Type.Integer({ minimum: 0, maximum: 23 }), in: Type.Integer(), out: Type.Integer(), denied: Type.Integer() })),
});
export type VehiclesOnCampus = Static<typeof VehiclesOnCampus>;
