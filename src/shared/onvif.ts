import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from './schema.ts';

/** How the platform reaches a camera. */
const connectionFields = {
  host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]_-]+$', description: 'IP address or host name' }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 80, description: 'ONVIF (HTTP) port, often 80, 8000 or 8080' })),
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 128, description: 'Kept by the platform (every ONVIF call is signed with it); never returned' }),
};

/** Body of POST /api/onvif/cameras: a camera by address and ONVIF credentials, linked to a ledger camera or entered into one campus. */
export const OnvifCameraInput = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ description: 'An existing ledger camera this is; or give campusId' })),
    campusId: Type.Optional(Type.String({ description: 'Enter a new ledger camera in this campus (resolution and PTZ from the camera); or give deviceId' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name of the new ledger camera; default manufacturer and model' })),
    ...connectionFields,
  },
  { additionalProperties: false },
);
export type OnvifCameraInput = Static<typeof OnvifCameraInput>;

/** Body of PUT /api/devices/:id/onvif: a new address or new credentials (checked with the camera before they are kept). */
export const OnvifConnectionInput = Type.Object(connectionFields, { additionalProperties: false });
export type OnvifConnectionInput = Static<typeof OnvifConnectionInput>;

export const OnvifProfileView = Type.Object({
  token: Type.String(),
  name: Type.String(),
  encoding: Nullable(Type.String()),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  streamUri: Nullable(Type.String({ description: 'RTSP, without user or password' })),
  hasPtz: Type.Boolean(),
});

export const OnvifPullView = Type.Object({
  state: StringEnum(['starting', 'subscribed', 'retrying', 'stopped'] as const, { description: 'The pull-point subscription; stopped when the server is not pulling' }),
  lastPullAt: Nullable(Type.String()),
  lastEventAt: Nullable(Type.String()),
  lastEventTopic: Nullable(Type.String()),
  stored: Type.Integer({ description: 'Notifications stored as events since the server started' }),
  deadLetters: Type.Integer({ description: 'Notifications refused (e.g. a digital input: what is wired to it is unknown)' }),
  skipped: Type.Integer({ description: 'Ends of states, initial states and topics that are not mapped' }),
  failures: Type.Integer({ description: 'Failures in a row (the subscription is re-created with backoff)' }),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Type.String()),
});

/** Answer of GET /api/devices/:id/onvif (and of adding and refreshing). */
export const OnvifCameraView = Type.Object(
  {
    deviceId: Type.String(),
    host: Type.String(),
    port: Type.Integer(),
    username: Type.String(),
    manufacturer: Nullable(Type.String()),
    model: Nullable(Type.String()),
    firmware: Nullable(Type.String()),
    serial: Nullable(Type.String()),
    hasPtz: Type.Boolean(),
    profiles: Type.Array(OnvifProfileView),
    snapshotUri: Nullable(Type.String()),
    presets: Type.Array(Type.Object({ token: Type.String(), name: Type.String() })),
    clockOffsetMs: Nullable(Type.Integer({ description: 'Camera clock minus platform clock at the last refresh' })),
    refreshedAt: Nullable(Type.String()),
    lastError: Nullable(Type.String({ description: 'Why the last refresh failed' })),
    lastErrorAt: Nullable(Type.String()),
    events: OnvifPullView,
  },
  { $id: 'OnvifCamera' },
);
export type OnvifCameraView = Static<typeof OnvifCameraView>;
