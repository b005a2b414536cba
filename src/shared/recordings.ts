/**
 * Recording (录像) as the API carries it: a camera's recording plan, the segment files it left,
 * how complete a day is against the plan, and the storage the retention rules need
 * (modules/recordings). Times are ISO 8601 UTC; days and windows are Beijing time.
 */
import { Type, type Static } from 'typebox';
import { CAMERA_RESOLUTIONS } from './domain.ts';
import { IsoDate, Nullable, Page, StringEnum } from './schema.ts';

export const RECORDING_MODES = ['off', 'continuous', 'schedule', 'alarm'] as const;
export type RecordingMode = (typeof RECORDING_MODES)[number];

/** Where a camera's retention comes from: the ledger's own figure, the key-site rule (S-RET-90) or the default (S-RET-30). */
export const RETENTION_SOURCES = ['ledger', 'key_site', 'default'] as const;
export type RetentionSource = (typeof RETENTION_SOURCES)[number];

const HHMM_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d$';

/** A weekly recording window, like an arming period of an alarm rule. */
export const RecordingWindow = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, description: 'ISO weekdays in Beijing time, 1 = Monday' }),
    from: Type.String({ pattern: HHMM_PATTERN, description: 'HH:MM Beijing time' }),
    to: Type.String({ pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$', description: 'HH:MM; not after `from` means past midnight (the window runs into the next day)' }),
  },
  { additionalProperties: false },
);
export type RecordingWindow = Static<typeof RecordingWindow>;

export const MAX_PRE_ROLL_S = 120;
export const MAX_POST_ROLL_S = 3600;

export const RecordingPlanInput = Type.Object(
  {
    mode: StringEnum(RECORDING_MODES, { description: 'off: nothing is recorded; continuous: all the time; schedule: in the weekly windows; alarm: around each alarm of the camera' }),
    windows: Type.Optional(Type.Array(RecordingWindow, { maxItems: 50, description: 'Weekly windows (schedule mode; required there)' })),
    preRollS: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PRE_ROLL_S, description: 'Alarm mode: seconds recorded before the alarm (kept in memory while armed)' })),
    postRollS: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POST_ROLL_S, description: 'Alarm mode: seconds recorded after the (last) alarm' })),
  },
  { additionalProperties: false },
);
export type RecordingPlanInput = Static<typeof RecordingPlanInput>;

export const RecorderState = Type.Object({
  state: StringEnum(['idle', 'armed', 'starting', 'recording', 'retrying'] as const, {
    description: 'idle: not recording (plan off or outside its windows); armed: alarm mode, keeping the pre-roll; starting: opening the stream; recording: writing segments; retrying: the stream ended or could not start, opening again',
  }),
  since: Nullable(Type.String({ description: 'When it entered this state' })),
  lastError: Nullable(Type.String()),
  outageSince: Nullable(Type.String({ description: 'Recording should run but has had no video since then' })),
  segmentsWritten: Type.Integer(),
  bytesWritten: Type.Number(),
  droppedFragments: Type.Integer({ description: 'Frames dropped because the disk was too slow (recording resumes at the next keyframe)' }),
  writeErrors: Type.Integer(),
});
export type RecorderState = Static<typeof RecorderState>;

export const RecordingPlan = Type.Object(
  {
    deviceId: Type.String(),
    mode: StringEnum(RECORDING_MODES),
    windows: Type.Array(RecordingWindow),
    preRollS: Type.Integer(),
    postRollS: Type.Integer(),
    since: Nullable(Type.String({ description: 'When the current mode and windows took effect (null: never set, off by default)' })),
    updatedAt: Nullable(Type.String()),
    retention: Type.Object({
      days: Type.Integer({ description: 'Days recordings of this camera are kept' }),
      source: StringEnum(RETENTION_SOURCES),
      standardDays: Type.Integer({ description: 'What the standard asks of this camera: 90 inside a key site (S-RET-90), else 30 (S-RET-30)' }),
    }),
    recorder: RecorderState,
  },
  { $id: 'RecordingPlan' },
);
export type RecordingPlan = Static<typeof RecordingPlan>;

export const RecordingSegment = Type.Object(
  {
    id: Type.String(),
    deviceId: Type.String(),
    startAt: Type.String(),
    endAt: Type.String(),
    durationS: Type.Number(),
    bytes: Type.Number(),
    codec: Type.String({ description: 'RFC 6381 codec string, e.g. avc1.64001f' }),
    evidenceHold: Type.Boolean({ description: 'Held as evidence: never deleted by retention or disk-full protection' }),
    url: Type.String({ description: 'The file (fragmented MP4, plays in a <video> element)' }),
  },
  { $id: 'RecordingSegment' },
);
export type RecordingSegment = Static<typeof RecordingSegment>;

export const SegmentList = Type.Object({
  items: Type.Array(RecordingSegment),
  truncated: Type.Boolean({ description: 'More segments lie in the range than were returned: ask again from the last endAt' }),
});
export type SegmentList = Static<typeof SegmentList>;

const Span = Type.Object({ from: Type.String(), to: Type.String(), seconds: Type.Number() });
export type Span = Static<typeof Span>;

export const RecordingDay = Type.Object(
  {
    deviceId: Type.String(),
    date: IsoDate,
    timeZone: Type.String(),
    mode: StringEnum(RECORDING_MODES, { description: 'The current plan, which the expected time is computed from' }),
    expected: Type.Array(Span, { description: 'When the plan asked for recording on this day (up to now)' }),
    recorded: Type.Array(Span, { description: 'What was recorded (segments joined where they meet)' }),
    gaps: Type.Array(Span, { description: 'Expected but not recorded, each at least 2 s' }),
    expectedS: Type.Number(),
    recordedS: Type.Number({ description: 'Recorded seconds inside the expected time' }),
    complete: Nullable(Type.Number({ description: 'Share of the expected time recorded, 0–1; null when nothing was expected' })),
    oldestRecordingAt: Nullable(Type.String({ description: 'Start of the oldest segment held for this camera' })),
    retentionDays: Type.Integer(),
  },
  { $id: 'RecordingDay' },
);
export type RecordingDay = Static<typeof RecordingDay>;

export const CameraCompleteness = Type.Object({
  deviceId: Type.String(),
  name: Type.String(),
  campusId: Type.String(),
  mode: StringEnum(RECORDING_MODES),
  expectedS: Type.Number(),
  recordedS: Type.Number(),
  gapCount: Type.Integer(),
  complete: Nullable(Type.Number()),
  oldestRecordingAt: Nullable(Type.String()),
  retentionDays: Type.Integer(),
  retentionSource: StringEnum(RETENTION_SOURCES),
  /** The oldest recording reaches back the retention period (S-RET-30/90 at the compliance check). */
  heldDays: Nullable(Type.Number({ description: 'Days from the oldest recording held to now' })),
});
export type CameraCompleteness = Static<typeof CameraCompleteness>;

export const CompletenessPage = Type.Object(
  { date: IsoDate, timeZone: Type.String(), ...Page(CameraCompleteness).properties },
  { $id: 'RecordingCompletenessPage' },
);
export type CompletenessPage = Static<typeof CompletenessPage>;

export const StoragePlan = Type.Object(
  {
    assumptions: Type.Object({
      bitrateMbps: Type.Record(Type.String(), Type.Number(), { description: 'Assumed average bitrate per resolution class (H.264 main stream)' }),
      note: Type.String(),
    }),
    volume: Type.Object({
      totalBytes: Nullable(Type.Number()),
      freeBytes: Nullable(Type.Number()),
      minFreeBytes: Type.Number({ description: 'Below this, the oldest recordings are deleted early (XIAOAN_RECORD_MIN_FREE_GB)' }),
    }),
    campuses: Type.Array(
      Type.Object({
        campusId: Type.String(),
        name: Type.String(),
        classes: Type.Array(
          Type.Object({
            resolution: StringEnum(CAMERA_RESOLUTIONS),
            cameras: Type.Integer(),
            bitrateMbps: Type.Number(),
            retentionDays: Type.Integer({ description: 'Camera-days of retention summed over these cameras' }),
            neededBytes: Type.Number(),
          }),
        ),
        cameras: Type.Integer(),
        neededBytes: Type.Number({ description: 'Bytes to keep every camera continuously for its retention' }),
        heldBytes: Type.Number({ description: 'Bytes of recordings held now' }),
      }),
    ),
    neededBytes: Type.Number(),
    heldBytes: Type.Number(),
    /** Needed ≤ what is held now + free − the reserve kept free. */
    fits: Nullable(Type.Boolean()),
  },
  { $id: 'RecordingStoragePlan' },
);
export type StoragePlan = Static<typeof StoragePlan>;
