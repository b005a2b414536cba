/**
 * Alarm statistics (报警统计): the shape of GET /api/alarm-stats, shared by the server and the
 * console. Durations are seconds; hours, days and shifts are Beijing time.
 */
import { Type, type Static, type TInteger } from 'typebox';
import { ALARM_STATES, ALARM_TYPES, type AlarmState } from './alarms.ts';
import { Nullable, StringEnum } from './schema.ts';

/** The handling steps timed from an alarm's creation (definitions in alarm-stats.compute.ts). */
export const STAT_STEPS = ['acknowledge', 'dispatch', 'arrive', 'close'] as const;
export type StatStep = (typeof STAT_STEPS)[number];
/** The shifts (班次), in the order of alarm-stats.compute.ts's SHIFTS, which holds their hours. */
export const SHIFT_KEYS = ['day', 'evening', 'night'] as const;
export type ShiftKey = (typeof SHIFT_KEYS)[number];

export const DurationSummary = Type.Object({
  count: Type.Integer({ description: 'Alarms that reached the step' }),
  p50: Nullable(Type.Number({ description: 'Seconds, nearest-rank median' })),
  p90: Nullable(Type.Number({ description: 'Seconds, nearest-rank 90th percentile' })),
});
export type DurationSummary = Static<typeof DurationSummary>;

export const StepDurations = Type.Object(Object.fromEntries(STAT_STEPS.map((s) => [s, DurationSummary])) as Record<StatStep, typeof DurationSummary>);
export type StepDurations = Static<typeof StepDurations>;

export const AlarmStats = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    timeZone: Type.String({ description: 'Hours and days are local to this zone' }),
    universityId: Nullable(Type.String()),
    campusId: Nullable(Type.String()),
    totals: Type.Object({
      alarms: Type.Integer(),
      open: Type.Integer({ description: 'new, acknowledged, dispatched or on scene' }),
      resolved: Type.Integer(),
      closed: Type.Integer(),
      falseAlarms: Type.Integer(),
      falseAlarmRate: Type.Number({ description: 'false alarms / alarms, 4 decimals' }),
    }),
    byState: Type.Object(Object.fromEntries(ALARM_STATES.map((s) => [s, Type.Integer()])) as Record<AlarmState, TInteger>),
    byType: Type.Array(Type.Object({ type: StringEnum(ALARM_TYPES), count: Type.Integer() })),
    byCampus: Type.Array(Type.Object({ campusId: Nullable(Type.String()), name: Nullable(Type.String()), count: Type.Integer() })),
    byBuilding: Type.Array(
      Type.Object({ buildingId: Nullable(Type.String()), name: Nullable(Type.String()), campusId: Nullable(Type.String()), campusName: Nullable(Type.String()), count: Type.Integer() }),
    ),
    byHour: Type.Array(Type.Integer(), { minItems: 24, maxItems: 24, description: 'Index = local hour 0–23 of creation' }),
    byDay: Type.Array(Type.Object({ date: Type.String({ description: 'Local date YYYY-MM-DD' }), count: Type.Integer() })),
    devices: Type.Array(
      Type.Object({ deviceId: Type.String(), name: Nullable(Type.String()), kind: Nullable(Type.String()), alarms: Type.Integer(), falseAlarms: Type.Integer(), rate: Type.Number() }),
      { description: 'Top devices by false alarms' },
    ),
    durations: Type.Object({
      overall: StepDurations,
      shifts: Type.Array(
        Type.Object({
          shift: StringEnum(SHIFT_KEYS),
          name: Type.String(),
          fromHour: Type.Integer(),
          toHour: Type.Integer(),
          alarms: Type.Integer({ description: 'Alarms created during the shift' }),
          steps: StepDurations,
        }),
      ),
    }),
  },
  { $id: 'AlarmStats' },
);
export type AlarmStats = Static<typeof AlarmStats>;
