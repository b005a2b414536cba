/**
 * The device ledger (设备台账) as the API carries it: devices, their camera fields and their
 * maintenance records, and the bodies that create and change them (devices.routes.ts).
 */
import { Type, type Static } from 'typebox';
import { CAMERA_RESOLUTIONS, CAMERA_TYPES, DEVICE_KINDS, DEVICE_STATUSES, MAINTENANCE_KINDS, PLACEMENTS } from './domain.ts';
import { IsoDate, Nullable, StringEnum } from './schema.ts';

export const DEVICE_SORTS = ['name', 'kind', 'status', 'createdAt', 'installDate', 'warrantyEnd'] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

/** What a camera (or LPR camera) has besides the common fields; null on other kinds. */
export const CameraFields = Type.Object({
  resolution: StringEnum(CAMERA_RESOLUTIONS),
  type: StringEnum(CAMERA_TYPES),
  mountHeightM: Nullable(Type.Number()),
  bearingDeg: Nullable(Type.Number()),
  fovDeg: Nullable(Type.Number()),
  rangeM: Nullable(Type.Number()),
  placement: Nullable(StringEnum(PLACEMENTS)),
});
export type CameraFields = Static<typeof CameraFields>;

export const Device = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    campusId: Type.String(),
    buildingId: Nullable(Type.String()),
    floorId: Nullable(Type.String()),
    areaId: Nullable(Type.String()),
    name: Type.String(),
    kind: StringEnum(DEVICE_KINDS),
    status: StringEnum(DEVICE_STATUSES),
    lon: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    vendor: Nullable(Type.String()),
    model: Nullable(Type.String()),
    serial: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    gbId: Nullable(Type.String()),
    installDate: Nullable(Type.String()),
    warrantyEnd: Nullable(Type.String()),
    retentionDays: Nullable(Type.Integer()),
    notes: Nullable(Type.String()),
    camera: Nullable(CameraFields),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Device' },
);
export type Device = Static<typeof Device>;

export const MaintenanceRecord = Type.Object(
  {
    id: Type.String(),
    deviceId: Type.String(),
    universityId: Type.String(),
    date: Type.String(),
    kind: StringEnum(MAINTENANCE_KINDS),
    performedBy: Type.String(),
    notes: Nullable(Type.String()),
    createdBy: Nullable(Type.String()),
    createdAt: Type.String(),
  },
  { $id: 'MaintenanceRecord' },
);
export type MaintenanceRecord = Static<typeof MaintenanceRecord>;

const OptionalText = (max: number, description?: string) => Type.Optional(Nullable(Type.String({ maxLength: max, description })));

const cameraInputFields = {
  resolution: StringEnum(CAMERA_RESOLUTIONS, { description: 'analog / 720p / 1080p / 4k' }),
  type: StringEnum(CAMERA_TYPES, { description: 'fixed or PTZ' }),
  mountHeightM: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 100, description: 'Mount height in metres' }))),
  bearingDeg: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 360, description: 'Direction the lens points, degrees clockwise from north' }))),
  fovDeg: Type.Optional(Nullable(Type.Number({ minimum: 1, maximum: 360, description: 'Horizontal field-of-view angle in degrees' }))),
  rangeM: Type.Optional(Nullable(Type.Number({ minimum: 0.5, maximum: 1000, description: 'Useful viewing distance in metres' }))),
  placement: Type.Optional(Nullable(StringEnum(PLACEMENTS))),
};
const CameraInput = Type.Object(cameraInputFields, { additionalProperties: false });
const CameraPatch = Type.Object(
  { ...cameraInputFields, resolution: Type.Optional(cameraInputFields.resolution), type: Type.Optional(cameraInputFields.type) },
  { additionalProperties: false },
);

const deviceInputFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: StringEnum(DEVICE_KINDS),
  status: Type.Optional(StringEnum(DEVICE_STATUSES, { description: 'Ledger status; default in_service' })),
  campusId: Type.Optional(Nullable(Type.String({ description: 'Required unless a building, floor or area is given' }))),
  buildingId: Type.Optional(Nullable(Type.String())),
  floorId: Type.Optional(Nullable(Type.String())),
  areaId: Type.Optional(Nullable(Type.String())),
  lon: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
  lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
  vendor: OptionalText(100),
  model: OptionalText(100),
  serial: OptionalText(100),
  ip: OptionalText(45, 'IPv4 or IPv6 address'),
  gbId: Type.Optional(Nullable(Type.String({ maxLength: 20, minLength: 1, description: 'GB/T 28181 20-digit code' }))),
  installDate: Type.Optional(Nullable(IsoDate)),
  warrantyEnd: Type.Optional(Nullable(IsoDate)),
  retentionDays: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 3650, description: 'Days of video kept (cameras, recorders)' }))),
  notes: OptionalText(2000),
  camera: Type.Optional(Nullable(CameraInput)),
};

/** Body of POST /api/devices. */
export const DeviceInput = Type.Object(deviceInputFields, { additionalProperties: false });
/**
 * A device as the ledger checks and builds it (`checkDeviceFields`): the POST body, except that
 * the camera fields may be incomplete. A PATCH merged onto a device, a spreadsheet row or a form
 * being filled in can lack them, and the check names what is missing.
 */
export type DeviceInput = Omit<Static<typeof DeviceInput>, 'camera'> & { camera?: Partial<CameraFields> | null };

/** Body of PATCH /api/devices/:id: any subset, camera fields one by one; null clears a field. */
export const DevicePatch = Type.Object(
  { ...deviceInputFields, name: Type.Optional(deviceInputFields.name), kind: Type.Optional(deviceInputFields.kind), camera: Type.Optional(Nullable(CameraPatch)) },
  { additionalProperties: false, minProperties: 1 },
);
export type DevicePatch = Partial<DeviceInput>;

/** Body of POST /api/devices/:id/maintenance. */
export const MaintenanceInput = Type.Object(
  { date: IsoDate, kind: StringEnum(MAINTENANCE_KINDS), performedBy: Type.String({ minLength: 1, maxLength: 100 }), notes: OptionalText(2000) },
  { additionalProperties: false },
);
export type MaintenanceInput = Static<typeof MaintenanceInput>;
