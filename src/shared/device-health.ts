/** Device health (设备在线) as the API shows it (device-health.routes.ts). */
import { Type, type Static } from 'typebox';
import { DEVICE_KINDS } from './domain.ts';
import { StringEnum } from './schema.ts';

/** One device's liveness. */
export const DeviceHealth = Type.Object({ online: Type.Boolean(), lastSeenAt: Type.String() });
export type DeviceHealth = Static<typeof DeviceHealth>;

/** GET /api/device-health, by device id; a device absent from it has never been seen. */
export const DeviceHealthMap = Type.Record(Type.String(), DeviceHealth);
export type DeviceHealthMap = Static<typeof DeviceHealthMap>;

/** One point of GET /api/device-health/online-rate: a campus and device kind at one sampling time. */
export const OnlineRateSample = Type.Object({
  at: Type.String(),
  campusId: Type.String(),
  kind: StringEnum(DEVICE_KINDS),
  total: Type.Integer(),
  online: Type.Integer(),
  rate: Type.Number(),
});
export type OnlineRateSample = Static<typeof OnlineRateSample>;
