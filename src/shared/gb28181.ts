import { Type, type Static } from 'typebox';
import { Nullable, RefTo, StringEnum } from './schema.ts';

/** What the platform last exchanged with a GB/T 28181 device, per kind (diagnostics: "注册不上", "收流超时"). */
export const GB_EXCHANGE_KINDS = ['register', 'keepalive', 'catalog', 'subscribe', 'alarm', 'message'] as const;
export type GbExchangeKind = (typeof GB_EXCHANGE_KINDS)[number];

export const GbExchange = Type.Object({
  at: Type.String(),
  /** ok, or refused (the platform said no, with the reason), or failed (no or a bad answer). */
  result: StringEnum(['ok', 'refused', 'failed'] as const),
  /** The SIP status sent or received. */
  status: Type.Integer(),
  reason: Type.String({ description: 'Why, in words an installer can act on' }),
  /** Transport and address the message came from (what NAT made of it). */
  seenFrom: Type.String(),
  /** Address in the device's Contact or Via header (what it thinks it is). */
  declared: Nullable(Type.String()),
});
export type GbExchange = Static<typeof GbExchange>;

export const GbDeviceView = Type.Object(
  {
    deviceId: Type.String(),
    gbId: Type.String(),
    transport: Nullable(StringEnum(['UDP', 'TCP'] as const)),
    address: Nullable(Type.String()),
    port: Nullable(Type.Integer()),
    contact: Nullable(Type.String()),
    gbVersion: Nullable(Type.String({ description: 'X-GB-Ver: 2.0 = GB/T 28181-2016, 3.0 = 2022' })),
    userAgent: Nullable(Type.String()),
    registeredAt: Nullable(Type.String()),
    expiresAt: Nullable(Type.String()),
    lastKeepaliveAt: Nullable(Type.String()),
    clockOffsetMs: Nullable(Type.Integer({ description: 'Device clock minus platform clock, from the last keepalive or alarm time' })),
    exchanges: Type.Object(Object.fromEntries(GB_EXCHANGE_KINDS.map((k) => [k, Type.Optional(GbExchange)])) as Record<GbExchangeKind, ReturnType<typeof Type.Optional<typeof GbExchange>>>),
  },
  { $id: 'GbDevice' },
);
export type GbDeviceView = Static<typeof GbDeviceView>;

/** Answer of GET /api/devices/:id/gb28181: whether the device is registered now, and what is known of it (null before its first REGISTER). */
export const GbDiagnostics = Type.Object({ registered: Type.Boolean(), device: Nullable(RefTo(GbDeviceView)) });
export type GbDiagnostics = Static<typeof GbDiagnostics>;

/** Answer of GET /api/gb28181/status: what an installer types into a camera, and who tried to register. */
export const GbPlatformStatus = Type.Object({
  platformId: Type.String({ description: 'SIP 服务器编号, 20 digits' }),
  domain: Type.String({ description: 'SIP 域 (the digest realm)' }),
  port: Type.Integer({ description: 'UDP and TCP; 0 when the SIP server is not running' }),
  registered: Type.Integer(),
  onlineChannels: Type.Integer({ description: 'Channels of registered recorders reported ON in their catalogs' }),
  unknownDevices: Type.Array(Type.Object({ gbId: Type.String(), at: Type.String(), seenFrom: Type.String() })),
});
export type GbPlatformStatus = Static<typeof GbPlatformStatus>;

/** Body of POST /api/devices/:id/ptz: move (until stop), stop, or a preset. */
export const PtzInput = Type.Object(
  {
    action: StringEnum(['move', 'stop', 'goto_preset', 'set_preset', 'delete_preset'] as const),
    pan: Type.Optional(Type.Integer({ minimum: -1, maximum: 1, description: '-1 left, 1 right' })),
    tilt: Type.Optional(Type.Integer({ minimum: -1, maximum: 1, description: '-1 down, 1 up' })),
    zoom: Type.Optional(Type.Integer({ minimum: -1, maximum: 1, description: '-1 out, 1 in' })),
    speed: Type.Optional(Type.Integer({ minimum: 1, maximum: 255, default: 30 })),
    preset: Type.Optional(Type.Integer({ minimum: 1, maximum: 255 })),
  },
  { additionalProperties: false },
);
export type PtzInput = Static<typeof PtzInput>;

/** What a catalog query did to the ledger. */
export const GbCatalogSync = Type.Object({
  channels: Type.Integer(),
  created: Type.Integer({ description: 'Cameras new in the ledger' }),
  unclassified: Type.Array(Type.String(), { description: 'Channel ids a person must add (alarm inputs …)' }),
  complete: Type.Boolean({ description: 'false when the device stopped sending pages before SumNum' }),
});
export type GbCatalogSync = Static<typeof GbCatalogSync>;

/** DeviceInfo: what the device says it is. */
export const GbDeviceInfo = Type.Object({
  deviceName: Nullable(Type.String()),
  manufacturer: Nullable(Type.String()),
  model: Nullable(Type.String()),
  firmware: Nullable(Type.String()),
  channels: Nullable(Type.Integer()),
});
export type GbDeviceInfo = Static<typeof GbDeviceInfo>;

/** DeviceStatus: online, encoding, recording, and the device's clock. */
export const GbDeviceStatus = Type.Object({
  online: Nullable(Type.Boolean()),
  status: Nullable(Type.Boolean()),
  encoding: Nullable(Type.Boolean()),
  recording: Nullable(Type.Boolean()),
  deviceTime: Nullable(Type.String()),
  clockOffsetMs: Nullable(Type.Integer({ description: 'Device clock minus platform clock' })),
});
export type GbDeviceStatus = Static<typeof GbDeviceStatus>;

/** RecordInfo: the files a recorder holds for a channel in a window (UTC times). */
export const GbRecords = Type.Object({
  complete: Type.Boolean({ description: 'false when the recorder stopped sending pages before SumNum' }),
  records: Type.Array(
    Type.Object({ channelId: Type.String(), name: Nullable(Type.String()), filePath: Nullable(Type.String()), start: Type.String(), end: Type.String(), type: Nullable(Type.String({ description: 'time, alarm or manual' })) }),
  ),
});
export type GbRecords = Static<typeof GbRecords>;
