import { Type, type Static, type TSchema } from 'typebox';
import { Nullable, RefTo } from './schema.ts';

/**
 * The normalized device event: one closed list of kinds, each with a typed payload.
 * Every protocol adapter (MQTT, HTTP push, GB/T 28181, ONVIF, GA/T 1400, simulator) produces
 * these; everything after the event store (health, linkage, alarms, search, live push) reads them.
 */

const Str = (maxLength = 100, description?: string) => Type.String({ minLength: 1, maxLength, description });
const Opt = <T extends TSchema>(t: T) => Type.Optional(t);
const Enum = <T extends readonly string[]>(values: T, description?: string) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
const Obj = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties, { additionalProperties: false });
const Confidence = Type.Number({ minimum: 0, maximum: 1, description: '0–1' });

export const CREDENTIAL_TYPES = ['card', 'qr', 'face', 'fingerprint', 'pin', 'password', 'remote'] as const;
export const DENY_REASONS = ['unknown_credential', 'expired', 'no_permission', 'time_restricted', 'anti_passback', 'wrong_pin', 'blacklisted'] as const;
export const DIRECTIONS = ['in', 'out'] as const;
export const PLATE_COLOURS = ['blue', 'yellow', 'green', 'yellow_green', 'white', 'black'] as const;
export const SEVERITIES = ['info', 'minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const Access = Obj({
  credentialType: Enum(CREDENTIAL_TYPES),
  credentialId: Opt(Str(64, 'Card number, QR id … (masked on screen)')),
  personId: Opt(Str(64, 'Person id when the credential is known')),
  direction: Opt(Enum(DIRECTIONS)),
});

/** Payload schema per kind. `platform: true` kinds are produced by xiaoan itself, never accepted from a device. */
export const EVENT_KINDS = {
  'access.granted': { severity: 'info', payload: Access },
  'access.denied': { severity: 'minor', payload: Obj({ ...Access.properties, reason: Enum(DENY_REASONS) }) },
  'door.forced': { severity: 'major', payload: Obj({}) },
  'door.held_open': { severity: 'minor', payload: Obj({ seconds: Type.Integer({ minimum: 1, maximum: 86400 }) }) },
  intrusion: {
    severity: 'critical',
    payload: Obj({ zone: Opt(Str(64)), detector: Opt(Enum(['pir', 'microwave', 'dual_tech', 'glass_break', 'beam', 'video'] as const)) }),
  },
  perimeter: {
    severity: 'critical',
    payload: Obj({ segment: Opt(Str(64)), method: Enum(['climbing', 'crossing', 'cutting', 'digging', 'unknown'] as const) }),
  },
  fire: { severity: 'critical', payload: Obj({ detectorType: Enum(['smoke', 'heat', 'flame', 'manual_call_point', 'gas'] as const), level: Opt(Type.Integer({ minimum: 1, maximum: 3 })) }) },
  smoke: { severity: 'major', payload: Obj({ density: Opt(Type.Number({ minimum: 0, maximum: 100, description: '%/m obscuration' })) }) },
  motion: { severity: 'info', payload: Obj({ objectType: Opt(Enum(['person', 'vehicle', 'animal', 'unknown'] as const)), region: Opt(Str(64)) }) },
  'video.loss': {
    severity: 'major',
    payload: Obj({ channel: Opt(Type.Integer({ minimum: 0, maximum: 1024 })), detail: Opt(Str(200, 'Why, when known (the platform recorder says why the stream ended)')) }),
  },
  // Video back after a loss (the platform's recorder reports it when it records again; a camera or NVR may too).
  'video.restored': { severity: 'info', payload: Obj({ channel: Opt(Type.Integer({ minimum: 0, maximum: 1024 })), lostS: Opt(Type.Integer({ minimum: 0, description: 'How long the video was lost' })) }) },
  // A hole in recording that should have run, reported when recording resumes (the platform's recorder, or an NVR of its own).
  'recording.gap': {
    severity: 'minor',
    payload: Obj({ from: Str(40, 'Start of the gap, ISO 8601'), to: Str(40, 'End of the gap, ISO 8601'), gapS: Type.Integer({ minimum: 0, description: 'Length of the gap in seconds' }), channel: Opt(Type.Integer({ minimum: 0, maximum: 1024 })) }),
  },
  tamper: { severity: 'major', payload: Obj({ what: Opt(Enum(['cover_opened', 'lens_blocked', 'moved', 'wire_cut'] as const)) }) },
  'face.match': {
    severity: 'minor',
    payload: Obj({ personId: Opt(Str(64)), watchlist: Opt(Str(64)), similarity: Confidence, snapshotRef: Opt(Str(500)) }),
  },
  'plate.read': {
    severity: 'info',
    payload: Obj({
      plate: Type.String({ minLength: 2, maxLength: 12, description: 'Plate text as read, e.g. 沪A12345' }),
      colour: Enum(PLATE_COLOURS),
      direction: Enum(DIRECTIONS),
      confidence: Confidence,
      lane: Opt(Type.Integer({ minimum: 0, maximum: 32 })),
      vehicleType: Opt(Enum(['car', 'bus', 'truck', 'motorcycle', 'other'] as const)),
    }),
  },
  panic: { severity: 'critical', payload: Obj({}) },
  // A checkpoint device (巡更点 reader/button) read a guard's patrol card or was pressed (modules/patrol matches it to a running tour).
  'patrol.checkin': { severity: 'info', payload: Obj({ guardId: Str(64, 'The guard’s account id or username (巡更卡 bound to it)'), routeId: Opt(Str(64, 'The route, when the device knows it')) }) },
  'device.heartbeat': {
    severity: 'info',
    payload: Obj({ uptimeS: Opt(Type.Integer({ minimum: 0 })), temperatureC: Opt(Type.Number({ minimum: -60, maximum: 150 })), firmware: Opt(Str(64)) }),
  },
  'device.fault': { severity: 'major', payload: Obj({ code: Str(64), message: Opt(Str(500)) }) },
  'command.ack': {
    severity: 'info',
    payload: Obj({ commandId: Str(128, 'The id of the command being answered'), result: Enum(['ok', 'failed'] as const), message: Opt(Str(500)) }),
  },
  'device.went_offline': { severity: 'major', platform: true, payload: Obj({ lastSeenAt: Type.Union([Type.String(), Type.Null()]), silenceS: Type.Integer({ minimum: 0 }) }) },
  'device.came_online': { severity: 'info', platform: true, payload: Obj({ offlineS: Type.Integer({ minimum: 0 }) }) },
  // Gate decisions (modules/vehicles): a banned plate at a lane, a guest or contractor still inside after its pass.
  'vehicle.banned': {
    severity: 'major',
    platform: true,
    payload: Obj({ plate: Str(16), direction: Enum(DIRECTIONS), vehicleId: Str(64), ownerName: Opt(Str(40)), note: Opt(Str(200)) }),
  },
  'vehicle.overstay': {
    severity: 'minor',
    platform: true,
    payload: Obj({ plate: Str(16), vehicleId: Str(64), list: Str(16), validUntil: Str(40, 'When the pass ended, ISO 8601') }),
  },
  // Visitors (modules/visitors): still on campus after their pass's window ended; the device is the gate they came in by.
  'visitor.overstay': {
    severity: 'minor',
    platform: true,
    payload: Obj({ visitId: Str(64), visitorName: Str(40), hostName: Str(60), windowTo: Str(40, 'When the pass ended, ISO 8601') }),
  },
  // Patrol evaluation (modules/patrol): the device is the checkpoint's device (or the checkpoint id when it has none); each raised once.
  'patrol.missed': {
    severity: 'major',
    platform: true,
    payload: Obj({ tourId: Str(64), routeName: Str(60), checkpointName: Str(60), dueAt: Str(40, 'End of the checkpoint’s window, ISO 8601'), guardName: Opt(Str(40)) }),
  },
  'patrol.late': {
    severity: 'minor',
    platform: true,
    payload: Obj({ tourId: Str(64), routeName: Str(60), checkpointName: Str(60), dueAt: Str(40, 'End of the checkpoint’s window, ISO 8601'), checkedAt: Str(40), lateMin: Type.Integer({ minimum: 0, description: 'Minutes after the window' }), guardName: Opt(Str(40)) }),
  },
  'patrol.out_of_order': {
    severity: 'minor',
    platform: true,
    payload: Obj({ tourId: Str(64), routeName: Str(60), checkpointName: Str(60), aheadNames: Str(200, 'Checkpoints after it in the route that were checked before it'), guardName: Opt(Str(40)) }),
  },
  'patrol.too_fast': {
    severity: 'minor',
    platform: true,
    payload: Obj({ tourId: Str(64), routeName: Str(60), checkpointName: Str(60, 'Reached too soon after the previous one'), fastestS: Type.Integer({ minimum: 0, description: 'Seconds between the two check-ins' }), minStepS: Type.Integer({ minimum: 0, description: 'Least plausible walking time' }), guardName: Opt(Str(40)) }),
  },
  // Duty (modules/duty): a command-centre post with nobody on the published roster in the coming days
  // (the device is `duty-post:<post id>`), and an operator's certificate ending within 30 days (`duty-certificate:<id>`).
  'duty.coverage_gap': {
    severity: 'major',
    platform: true,
    payload: Obj({ postId: Str(64), postName: Str(40), from: Str(40, 'Gap start, ISO 8601'), to: Str(40, 'Gap end, ISO 8601'), hours: Type.Number({ minimum: 0 }) }),
  },
  'duty.certificate_expiring': {
    severity: 'minor',
    platform: true,
    payload: Obj({ certificateId: Str(64), accountName: Str(60), certificateType: Str(60), certificateNo: Str(60), validTo: Str(10, 'Last valid day, YYYY-MM-DD'), daysLeft: Type.Integer({ minimum: 0 }) }),
  },
  // Written by the absence check of a rule: the device sent none of the expected events in the window.
  'rule.absence': {
    severity: 'major',
    platform: true,
    payload: Obj({ ruleId: Str(64), expected: Type.Array(Str(64), { minItems: 1 }), windowStart: Str(40), deadline: Str(40) }),
  },
} as const satisfies Record<string, { severity: Severity; payload: TSchema; platform?: boolean }>;

export type EventKind = keyof typeof EVENT_KINDS;
export const EVENT_KIND_LIST = Object.keys(EVENT_KINDS) as EventKind[];
export const DEVICE_EVENT_KINDS = EVENT_KIND_LIST.filter((k) => !('platform' in EVENT_KINDS[k]));
export type EventPayload<K extends EventKind> = Static<(typeof EVENT_KINDS)[K]['payload']>;

/** `media`: seen by the platform's own video handling (its recorders), not sent by the device. */
export const EVENT_SOURCES = ['mqtt', 'http', 'gb28181', 'onvif', 'ga1400', 'platform', 'media', 'drill'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * 演练: an event a drill injected (modules/training) has source `drill` and source event id
 * `drill:<drillId>:<n>`; it takes the real path (store, alarms, live) but counts nowhere real.
 */
export function drillIdOf(e: { source: string; sourceEventId: string | null }): string | null {
  if (e.source !== 'drill' || !e.sourceEventId?.startsWith('drill:')) return null;
  return e.sourceEventId.split(':')[1] || null;
}

export interface DeviceEvent<K extends EventKind = EventKind> {
  /** Time-ordered id (UUID v7): sorting by id is sorting by arrival. */
  id: string;
  source: EventSource;
  sourceEventId: string | null;
  orgId: string;
  deviceId: string;
  kind: K;
  severity: Severity;
  occurredAt: string;
  receivedAt: string;
  payload: EventPayload<K>;
}

/** A stored event as the API shows it (GET /api/events; the live channel sends the same). */
export const DeviceEvent = Type.Unsafe<DeviceEvent>(
  Type.Object(
    {
      id: Type.String(),
      source: Enum(EVENT_SOURCES),
      sourceEventId: Nullable(Type.String()),
      orgId: Type.String({ description: 'University' }),
      deviceId: Type.String(),
      kind: Enum(EVENT_KIND_LIST),
      severity: Enum(SEVERITIES),
      occurredAt: Type.String(),
      receivedAt: Type.String(),
      payload: Type.Unknown(),
    },
    { $id: 'DeviceEvent' },
  ),
);

/** GET /api/events: newest first; `nextBeforeId` is the `beforeId` of the next (older) page, null after the last. */
export const EventPage = Type.Object({ items: Type.Array(RefTo(DeviceEvent)), nextBeforeId: Nullable(Type.String()) });
export type EventPage = Static<typeof EventPage>;

/**
 * What a device sends (MQTT payload or one item of an HTTP batch). The device id comes from
 * the authenticated connection, never from the message.
 */
export const IngestEnvelope = Type.Object(
  {
    kind: Type.String({ minLength: 1, maxLength: 64, description: 'One of the event kinds' }),
    sourceEventId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "The device's own id for the event; repeats are stored once" })),
    occurredAt: Type.Optional(Type.String({ format: 'date-time', description: 'When it happened (ISO-8601 with zone); default: arrival time' })),
    severity: Type.Optional(Enum(SEVERITIES)),
    payload: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
export type IngestEnvelopeT = Static<typeof IngestEnvelope>;
