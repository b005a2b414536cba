import { Type, type Static } from 'typebox';

/**
 * Answer of POST /api/devices/:id/credentials: a device's new secret, shown only this once. It
 * serves MQTT and HTTP ingest (username = the device id) and, for a device with a GB/T 28181 id,
 * SIP digest (username = the GB id, realm = the platform's SIP domain).
 */
export const IssuedDeviceCredentials = Type.Object({
  deviceId: Type.String(),
  username: Type.String(),
  password: Type.String(),
  topics: Type.Object({ events: Type.String(), heartbeat: Type.String(), commands: Type.String() }),
});
export type IssuedDeviceCredentials = Static<typeof IssuedDeviceCredentials>;
