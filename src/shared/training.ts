/**
 * 培训与演练 (issue 15 items 3 and 6): training sessions (理论培训, 实操培训, 演练) with their
 * attendance and scores, a person's training record (hours per year), and drills: a scenario
 * injected through the real event path, marked as training everywhere (event source `drill`,
 * alarm `drillId`), its operators timed against the procedure, the result fed into their record.
 */
import { Type, type Static } from 'typebox';
import type { AlarmType } from './alarms.ts';
import type { DeviceKind, KeySiteCategory } from './domain.ts';
import type { EventKind } from './events.ts';
import { Nullable, StringEnum } from './schema.ts';

export const TRAINING_KINDS = ['theory', 'practical', 'drill'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];

export const TRAINING_LIMITS = { title: 60, trainer: 40, note: 500, remark: 200, attendees: 300, maxHours: 40 } as const;

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Beijing)' });

export const Attendance = Type.Object({
  accountId: Type.String(),
  accountName: Type.String(),
  attended: Type.Boolean(),
  score: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
  passed: Nullable(Type.Boolean({ description: 'Drills: passed the procedure check' })),
  remark: Nullable(Type.String()),
});
export type Attendance = Static<typeof Attendance>;

export const TrainingSession = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    title: Type.String(),
    kind: StringEnum(TRAINING_KINDS),
    date: Day,
    hours: Type.Number(),
    trainer: Type.String(),
    note: Nullable(Type.String()),
    drillId: Nullable(Type.String({ description: 'The drill this session records (kind drill)' })),
    attendance: Type.Array(Attendance),
  },
  { $id: 'TrainingSession' },
);
export type TrainingSession = Static<typeof TrainingSession>;

export const AttendanceInput = Type.Object(
  {
    accountId: Type.String({ minLength: 1, maxLength: 64 }),
    attended: Type.Boolean(),
    score: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
    remark: Type.Optional(Nullable(Type.String({ maxLength: TRAINING_LIMITS.remark }))),
  },
  { additionalProperties: false },
);
export type AttendanceInput = Static<typeof AttendanceInput>;

export const TrainingSessionInput = Type.Object(
  {
    universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university' })),
    title: Type.String({ minLength: 1, maxLength: TRAINING_LIMITS.title }),
    kind: StringEnum(['theory', 'practical'] as const, { description: '理论培训 or 实操培训 (演练 sessions come from drills)' }),
    date: Day,
    hours: Type.Number({ exclusiveMinimum: 0, maximum: TRAINING_LIMITS.maxHours }),
    trainer: Type.String({ minLength: 1, maxLength: TRAINING_LIMITS.trainer }),
    note: Type.Optional(Nullable(Type.String({ maxLength: TRAINING_LIMITS.note }))),
    attendance: Type.Array(AttendanceInput, { maxItems: TRAINING_LIMITS.attendees }),
  },
  { additionalProperties: false },
);
export type TrainingSessionInput = Static<typeof TrainingSessionInput>;

export const TrainingQuery = Type.Object(
  {
    universityId: Type.Optional(Type.String()),
    year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'Beijing calendar year; default this year' })),
  },
  { additionalProperties: false },
);
export type TrainingQuery = Static<typeof TrainingQuery>;

/** One person's line of the year's training record. */
export const TrainingRecordLine = Type.Object({
  accountId: Type.String(),
  accountName: Type.String(),
  role: Type.String(),
  hours: Type.Number({ description: 'Hours of sessions attended in the year' }),
  sessions: Type.Integer({ description: 'Sessions attended' }),
  drills: Type.Integer({ description: 'Drills taken part in' }),
  drillsPassed: Type.Integer(),
});
export type TrainingRecordLine = Static<typeof TrainingRecordLine>;

export const TrainingRecords = Type.Object({ year: Type.Integer(), lines: Type.Array(TrainingRecordLine) });
export type TrainingRecords = Static<typeof TrainingRecords>;

/** One person's sessions in a year (their 培训档案). */
export const PersonTraining = Type.Object({
  year: Type.Integer(),
  line: TrainingRecordLine,
  sessions: Type.Array(
    Type.Object({ sessionId: Type.String(), title: Type.String(), kind: StringEnum(TRAINING_KINDS), date: Type.String(), hours: Type.Number(), attended: Type.Boolean(), score: Nullable(Type.Integer()), passed: Nullable(Type.Boolean()), remark: Nullable(Type.String()), drillId: Nullable(Type.String()) }),
  ),
});
export type PersonTraining = Static<typeof PersonTraining>;

// ---- drills ----

export const DRILL_SCENARIOS = ['dorm_fire_night', 'finance_intrusion', 'lost_child'] as const;
export type DrillScenario = (typeof DRILL_SCENARIOS)[number];

/** The stored title a drill starts with (data, in the language of the record). */
export const SCENARIO_TITLES: Record<DrillScenario, string> = {
  dorm_fire_night: '宿舍夜间火情演练',
  finance_intrusion: '财务室入侵演练',
  lost_child: '访客儿童走失演练',
};

export interface ScenarioTemplate {
  /** Where it happens: a device of this kind, preferably in a key site of this category. */
  deviceKind: DeviceKind;
  siteCategory: KeySiteCategory;
  /** The events injected, in order, `afterS` seconds after the start. */
  events: { kind: EventKind; afterS: number; payload: Record<string, unknown> }[];
  alarmType: AlarmType;
  /** Seconds from the alarm for acknowledging it, and for each procedure step (by key). */
  ackTargetS: number;
  stepTargetsS: Record<string, number>;
}

/**
 * The three scenarios. Targets are the seconds from the alarm's creation within which each
 * procedure step should be done (the keys are those of the default procedures).
 */
export const SCENARIO_TEMPLATES: Record<DrillScenario, ScenarioTemplate> = {
  // 宿舍夜间火情: a smoke detector in a dormitory.
  dorm_fire_night: {
    deviceKind: 'fire_detector',
    siteCategory: 'dormitory',
    events: [
      { kind: 'smoke', afterS: 0, payload: { density: 12 } },
      { kind: 'fire', afterS: 20, payload: { detectorType: 'smoke', level: 2 } },
    ],
    alarmType: 'fire',
    ackTargetS: 60,
    stepTargetsS: { video: 120, call119: 180, evacuate: 300, dispatch: 300, guide: 600, record: 1800 },
  },
  // 财务室入侵: an intrusion zone at the finance office.
  finance_intrusion: {
    deviceKind: 'intrusion_zone',
    siteCategory: 'finance_office',
    events: [{ kind: 'intrusion', afterS: 0, payload: { zone: '财务室', detector: 'dual_tech' } }],
    alarmType: 'intrusion',
    ackTargetS: 60,
    stepTargetsS: { video: 90, dispatch: 180, onsite: 600, reset: 1200, record: 1800 },
  },
  // 访客走失儿童: a guard at the gate presses the help point (一键求助) for a lost child.
  lost_child: {
    deviceKind: 'panic_button',
    siteCategory: 'gate',
    events: [{ kind: 'panic', afterS: 0, payload: {} }],
    alarmType: 'panic',
    ackTargetS: 60,
    stepTargetsS: { video: 90, callback: 180, dispatch: 240, onsite: 900, reset: 1200, record: 1800 },
  },
};

/** A drill still running after this long is finished with what was done by then. */
export const DRILL_MAX_MS = 2 * 3600_000;
/** Passing: acknowledged in time, every mandatory step done, and this share of timed checks on time. */
export const DRILL_PASS_SHARE = 0.8;

export const DRILL_STATES = ['running', 'finished', 'cancelled'] as const;

export const DrillStepResult = Type.Object({
  key: Type.String(),
  title: Type.String(),
  mandatory: Type.Boolean(),
  doneAt: Nullable(Type.String()),
  doneBy: Nullable(Type.String()),
  elapsedS: Nullable(Type.Integer({ description: 'Seconds from the alarm' })),
  targetS: Nullable(Type.Integer()),
  onTime: Nullable(Type.Boolean({ description: 'null: the step has no target' })),
});
export type DrillStepResult = Static<typeof DrillStepResult>;

export const DrillAlarmResult = Type.Object({
  alarmId: Type.String(),
  title: Type.String(),
  createdAt: Type.String(),
  state: Type.String(),
  ackAt: Nullable(Type.String()),
  ackBy: Nullable(Type.String()),
  ackS: Nullable(Type.Integer()),
  ackTargetS: Type.Integer(),
  ackOnTime: Type.Boolean(),
  closedAt: Nullable(Type.String()),
  steps: Type.Array(DrillStepResult),
});
export type DrillAlarmResult = Static<typeof DrillAlarmResult>;

export const DrillOperatorResult = Type.Object({
  accountId: Type.String(),
  name: Type.String(),
  actions: Type.Integer({ description: 'Steps this person did on the drill’s alarms' }),
  firstActionS: Nullable(Type.Integer()),
  passed: Type.Boolean(),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
});
export type DrillOperatorResult = Static<typeof DrillOperatorResult>;

export const DrillResult = Type.Object({
  computedAt: Type.String(),
  passed: Type.Boolean(),
  score: Type.Integer({ minimum: 0, maximum: 100, description: 'Share of timed checks done on time' }),
  alarms: Type.Array(DrillAlarmResult),
  operators: Type.Array(DrillOperatorResult),
  problems: Type.Array(Type.String({ description: 'What failed, in words (zh-CN)' })),
});
export type DrillResult = Static<typeof DrillResult>;

export const Drill = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    scenario: StringEnum(DRILL_SCENARIOS),
    title: Type.String(),
    deviceId: Type.String(),
    deviceName: Type.String(),
    state: StringEnum(DRILL_STATES),
    startedAt: Type.String(),
    startedBy: Type.String(),
    finishedAt: Nullable(Type.String()),
    eventIds: Type.Array(Type.String()),
    sessionId: Nullable(Type.String()),
    result: Nullable(DrillResult),
  },
  { $id: 'Drill' },
);
export type Drill = Static<typeof Drill>;

export const DrillStartInput = Type.Object(
  {
    universityId: Type.Optional(Type.String()),
    scenario: StringEnum(DRILL_SCENARIOS),
    deviceId: Type.Optional(Type.String({ description: 'The device the scenario happens at; default: one of the scenario’s kind, in a key site of its category when there is one' })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: TRAINING_LIMITS.title })),
  },
  { additionalProperties: false },
);
export type DrillStartInput = Static<typeof DrillStartInput>;
