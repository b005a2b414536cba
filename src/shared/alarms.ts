import { Type, type Static, type TSchema } from 'typebox';
import { DEVICE_KINDS, KEY_SITE_CATEGORIES } from './domain.ts';
import { DEVICE_EVENT_KINDS, EVENT_KIND_LIST } from './events.ts';

/** Alarm types (报警类型): what an SOP and the statistics group by. */
export const ALARM_TYPES = [
  'intrusion',
  'perimeter',
  'fire',
  'panic',
  'door_forced',
  'door_held_open',
  'access_failures',
  'device_offline',
  'device_fault',
  'tamper',
  'video_loss',
  'blacklisted_plate',
  'face_watchlist',
  'patrol_missed',
  'custom',
] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

/** Lifecycle: new → acknowledged → dispatched → on_scene → resolved → closed, or false_alarm. */
export const ALARM_STATES = ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved', 'closed', 'false_alarm'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];
export const OPEN_ALARM_STATES: readonly AlarmState[] = ['new', 'acknowledged', 'dispatched', 'on_scene'];
export const FINAL_ALARM_STATES: readonly AlarmState[] = ['closed', 'false_alarm'];

/** Which step leads from which state (a step may skip forward: acknowledge then resolve on camera). */
export const ALARM_STEPS = {
  acknowledge: { from: ['new'], to: 'acknowledged' },
  dispatch: { from: ['new', 'acknowledged'], to: 'dispatched' },
  arrive: { from: ['dispatched'], to: 'on_scene' },
  resolve: { from: ['acknowledged', 'dispatched', 'on_scene'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  false_alarm: { from: ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved'], to: 'false_alarm' },
} as const satisfies Record<string, { from: readonly AlarmState[]; to: AlarmState }>;
export type AlarmStep = keyof typeof ALARM_STEPS;

/** What a guard does with a dispatch on the phone page. */
export const GUARD_STEPS = ['accept', 'decline', 'arrive', 'finish'] as const;
export type GuardStep = (typeof GUARD_STEPS)[number];

/** 1 = most urgent. */
export const PRIORITIES = [1, 2, 3, 4] as const;

const Obj = <P extends Record<string, TSchema>>(properties: P, description?: string) => Type.Object(properties, { additionalProperties: false, description });
const Enum = <T extends readonly string[]>(values: T, description?: string) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
const HHMM_PATTERN = { pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' };
const HHMM = Type.String({ ...HHMM_PATTERN, description: 'HH:MM, Beijing time' });
const Ids = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 });

const scope = {
  deviceKinds: Type.Optional(Type.Array(Enum(DEVICE_KINDS), { minItems: 1, description: 'Only events from devices of these kinds' })),
  deviceIds: Type.Optional(Ids),
  campusIds: Type.Optional(Ids),
  buildingIds: Type.Optional(Ids),
  keySiteCategories: Type.Optional(
    Type.Array(Enum(KEY_SITE_CATEGORIES), { minItems: 1, description: 'Only devices inside a key site of these categories (by position)' }),
  ),
};

export const EventTrigger = Obj({ type: Type.Literal('event'), kinds: Type.Array(Enum(EVENT_KIND_LIST), { minItems: 1 }), ...scope }, 'Every matching event');
export const CountTrigger = Obj(
  {
    type: Type.Literal('count'),
    kinds: Type.Array(Enum(DEVICE_EVENT_KINDS), { minItems: 1 }),
    threshold: Type.Integer({ minimum: 2, maximum: 10_000, description: 'This many events …' }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400, description: '… within this many seconds, at one device' }),
    ...scope,
  },
  'N matching events at one device within a window (e.g. 5 denied swipes in 2 minutes)',
);
export const AbsenceTrigger = Obj(
  {
    type: Type.Literal('absence'),
    kinds: Type.Array(Enum(DEVICE_EVENT_KINDS), { minItems: 1, description: 'The events each device in scope is expected to send' }),
    from: Type.String({ ...HHMM_PATTERN, description: 'Start of the daily window, HH:MM Beijing time' }),
    by: Type.String({ ...HHMM_PATTERN, description: 'Deadline, HH:MM Beijing time; earlier than `from` means the next day' }),
    ...scope,
  },
  'No matching event at a device in scope between `from` and `by` (e.g. no patrol check-in at a checkpoint by 23:00); checked at the deadline, on the days the schedule arms the rule',
);
/**
 * A union told apart by its `type` (ajv's discriminator): a bad trigger is reported against the
 * branch its `type` names, not against every branch.
 */
function Tagged<T extends TSchema[]>(schemas: [...T]) {
  return Type.Unsafe<Static<T[number]>>({ type: 'object', required: ['type'], oneOf: schemas, discriminator: { propertyName: 'type' } });
}

export const Trigger = Tagged([EventTrigger, CountTrigger, AbsenceTrigger]);

export const ArmingPeriod = Obj({
  days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, description: 'ISO weekdays, 1 = Monday' }),
  from: HHMM,
  to: Type.String({ pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$', description: 'HH:MM; earlier than `from` means past midnight (next day)' }),
});
export const Schedule = Obj(
  {
    periods: Type.Array(ArmingPeriod, { minItems: 1, maxItems: 50, description: 'Armed (布防) during these periods' }),
    holidays: Enum(['armed', 'disarmed', 'as_sunday'] as const, 'On public holidays in the calendar'),
    vacations: Enum(['armed', 'as_scheduled'] as const, 'During school vacations in the calendar'),
  },
  'Arming schedule; without one the rule is always armed',
);

export const ACTION_TYPES = ['create_alarm', 'link_cameras', 'door_command', 'notify_guards', 'webhook'] as const;
export const CreateAlarmAction = Obj({
  type: Type.Literal('create_alarm'),
  alarmType: Enum(ALARM_TYPES),
  priority: Type.Integer({ minimum: 1, maximum: 4, description: '1 = most urgent' }),
  latch: Type.Optional(Type.Boolean({ description: 'Stays until a person resets it (panic, intrusion: S-NOMISS)' })),
  title: Type.Optional(Type.String({ maxLength: 100 })),
});
export const LinkCamerasAction = Obj({
  type: Type.Literal('link_cameras'),
  max: Type.Integer({ minimum: 1, maximum: 16, description: 'Cameras whose field of view covers the event position, nearest first' }),
  presetFromRule: Type.Optional(Type.Integer({ minimum: 1, maximum: 255, description: 'PTZ preset to call on linked PTZ cameras' })),
});
export const DoorCommandAction = Obj({
  type: Type.Literal('door_command'),
  command: Enum(['lock', 'unlock', 'hold_open'] as const),
  target: Enum(['event_device', 'doors_in_building', 'doors_in_campus'] as const, 'Which doors'),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 2, description: 'Wait this long for the device acknowledgement (S-AC-2S)' })),
});
export const NotifyGuardsAction = Obj({
  type: Type.Literal('notify_guards'),
  count: Type.Integer({ minimum: 1, maximum: 10, description: 'Nearest on-duty guards to dispatch' }),
});
export const WebhookAction = Obj({
  type: Type.Literal('webhook'),
  url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 }),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, default: 5 })),
});
export const Action = Tagged([CreateAlarmAction, LinkCamerasAction, DoorCommandAction, NotifyGuardsAction, WebhookAction]);

export const RuleDefinition = Obj({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  enabled: Type.Boolean(),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  trigger: Trigger,
  schedule: Type.Optional(Schedule),
  actions: Type.Array(Action, { minItems: 1, maxItems: 20 }),
});

export type RuleDefinitionT = Static<typeof RuleDefinition>;
export type TriggerT = Static<typeof Trigger>;
export type ScheduleT = Static<typeof Schedule>;
export type ActionT = Static<typeof Action>;


const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A camera linked to an alarm: its view covers the alarm's position. */
export const LinkedCamera = Type.Object({ id: Type.String(), name: Type.String(), distanceM: Type.Number(), ptz: Type.Boolean() });
export type LinkedCameraT = Static<typeof LinkedCamera>;

/** An alarm as the API shows it (GET /api/alarms, /api/alarms/:id): one definition for server and console. */
export const AlarmView = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    ruleId: Nullable(Type.String()),
    type: Enum(ALARM_TYPES),
    priority: Type.Integer({ minimum: 1, maximum: 4 }),
    state: Enum(ALARM_STATES),
    latched: Type.Boolean({ description: 'Must be reset by a person before it can be closed' }),
    title: Type.String(),
    deviceId: Type.String(),
    campusId: Nullable(Type.String()),
    buildingId: Nullable(Type.String()),
    floorId: Nullable(Type.String()),
    lon: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    eventCount: Type.Integer({ description: 'Events merged into this alarm' }),
    firstEventId: Type.String(),
    lastEventId: Type.String(),
    firstAt: Type.String(),
    lastAt: Type.String(),
    linkedCameras: Type.Array(LinkedCamera, { description: 'Cameras whose view covers the alarm position, nearest first' }),
    stateChangedAt: Type.String(),
    dueAt: Nullable(Type.String({ description: 'Deadline of the next step; past it the alarm escalates' })),
    escalationLevel: Type.Integer(),
    createdAt: Type.String(),
    drillId: Type.Optional(Nullable(Type.String({ description: '演练: the drill this alarm belongs to (training, not real); null or absent for a real alarm' }))),
  },
  { $id: 'Alarm' },
);
export type AlarmViewT = Static<typeof AlarmView>;

/** One step of an alarm's procedure (SOP) as the API shows it. */
export const SopStep = Type.Object({
  idx: Type.Integer(),
  key: Type.String(),
  title: Type.String(),
  mandatory: Type.Boolean(),
  requires: Enum(['none', 'note', 'photo'] as const, 'none, note or photo'),
  doneAt: Nullable(Type.String()),
  doneBy: Nullable(Type.String()),
  note: Nullable(Type.String()),
  photoId: Nullable(Type.String()),
});
export type SopStep = Static<typeof SopStep>;

/** Body of ticking a procedure step: some steps need a note or a photo. */
export const SopInput = Obj({ note: Type.Optional(Type.String({ maxLength: 2000 })), photoId: Type.Optional(Type.String()) });
export type SopInput = Static<typeof SopInput>;

/** A photo attached to an alarm (the bytes are fetched by id). */
export const AlarmPhoto = Type.Object({ id: Type.String(), contentType: Type.String(), size: Type.Integer(), uploadedBy: Type.String(), at: Type.String() });
export type AlarmPhoto = Static<typeof AlarmPhoto>;

/** Answer of a photo upload (the image itself is the request body). */
export const UploadedPhoto = Type.Object({ id: Type.String(), size: Type.Integer() });
export type UploadedPhoto = Static<typeof UploadedPhoto>;

export const DISPATCH_STATES = ['offered', 'accepted', 'arrived', 'finished', 'declined'] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];

/** A guard sent to an alarm. */
export const Dispatch = Type.Object({
  id: Type.String(),
  alarmId: Type.String(),
  guardId: Type.String(),
  guardName: Nullable(Type.String()),
  state: Enum(DISPATCH_STATES),
  distanceM: Nullable(Type.Number()),
  // Distance × 1.3 (paths are not straight) at 1.2 m/s.
  etaS: Nullable(Type.Integer({ description: 'Walking estimate in seconds' })),
  createdAt: Type.String(),
  acceptedAt: Nullable(Type.String()),
  arrivedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  note: Nullable(Type.String()),
});
export type Dispatch = Static<typeof Dispatch>;

/** An on-duty guard near an alarm (fresh position, not busy). */
export const NearestGuard = Type.Object({ id: Type.String(), name: Type.String(), distanceM: Nullable(Type.Number()) });
export type NearestGuard = Static<typeof NearestGuard>;

/** What a linkage dispatch tells the operator (in the `notify_guards` action result): too few guards, or too far. */
export type DispatchWarning = { code: 'fewer_guards'; requested: number; found: number } | { code: 'far'; etaS: number; limitS: number };

/** One line of an alarm's timeline (处置记录). */
export interface AlarmLogEntry {
  id: string;
  alarmId: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  fromState: string | null;
  toState: string | null;
  note: string | null;
  data: unknown;
}

// Definitions are checked against RuleDefinition when written; answers document them as any
// JSON, so the serializer writes them as stored.
const StoredDefinition = Type.Unsafe<RuleDefinitionT>(Type.Unknown());

/** A stored linkage rule (GET /api/alarm-rules): the definition plus who it belongs to and its version. */
export const AlarmRule = Type.Object(
  { id: Type.String(), universityId: Type.String(), version: Type.Integer(), definition: StoredDefinition, createdAt: Type.String(), updatedAt: Type.String() },
  { $id: 'AlarmRule' },
);
export type AlarmRule = Static<typeof AlarmRule>;

/** GET /api/alarm-rules/export: definitions to import elsewhere. */
export const RulesExport = Type.Object({ format: Type.Literal('xiaoan.rules/1'), rules: Type.Array(StoredDefinition) });
export type RulesExport = Static<typeof RulesExport>;
