/**
 * Calls of GB/T 28181 access (国标接入): a device's registration diagnostics, the platform's SIP
 * parameters, and issuing a device's credentials (which are its SIP digest password too). The
 * shapes are the server's, from src/shared.
 */
import type { IssuedDeviceCredentials } from '../../shared/device-credentials.ts';
import type { GbDiagnostics, GbPlatformStatus, GbRecords, PtzInput } from '../../shared/gb28181.ts';
import { http } from './client.ts';

export { GB_EXCHANGE_KINDS } from '../../shared/gb28181.ts';
export type { GbDeviceView, GbDiagnostics, GbExchange, GbExchangeKind, GbPlatformStatus } from '../../shared/gb28181.ts';
export type { IssuedDeviceCredentials };

const id = (value: string) => encodeURIComponent(value);

export const gbApi = {
  diagnostics: (deviceId: string, signal?: AbortSignal) => http.get<GbDiagnostics>(`/api/devices/${id(deviceId)}/gb28181`, undefined, signal),
  status: (signal?: AbortSignal) => http.get<GbPlatformStatus>('/api/gb28181/status', undefined, signal),
  /** Steers a PTZ camera (GB/T 28181 DeviceControl through its recorder). */
  ptz: (deviceId: string, input: PtzInput) => http.post<{ accepted: true }>(`/api/devices/${id(deviceId)}/ptz`, input),
  /** What the camera's recorder holds between from and to (RecordInfo, asked of the device). */
  records: (deviceId: string, from: string, to: string, signal?: AbortSignal) => http.get<GbRecords>(`/api/devices/${id(deviceId)}/gb28181/records`, { from, to }, signal),
};

export const credentialsApi = {
  /** Issues (or replaces) the device's secret; the answer is the only time the password is shown. */
  issue: (deviceId: string) => http.post<IssuedDeviceCredentials>(`/api/devices/${id(deviceId)}/credentials`),
};
