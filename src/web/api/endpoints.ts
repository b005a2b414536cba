/** Typed calls of the HTTP API, one function per endpoint the console uses. */
import { http } from './client.ts';
import type {
  AuditEntry,
  AuditQuery,
  Device,
  DeviceInput,
  DevicePatch,
  DeviceQuery,
  LoginAnswer,
  MaintenanceInput,
  MaintenanceRecord,
  MapData,
  OrgTreeNode,
  Page,
  Session,
} from './types.ts';

const id = (value: string) => encodeURIComponent(value);

export const authApi = {
  login: (username: string, password: string) => http.post<LoginAnswer>('/api/auth/login', { username, password }),
  logout: () => http.post<void>('/api/auth/logout'),
  me: () => http.get<Session>('/api/auth/me'),
};

export const orgApi = {
  tree: (universityId?: string) => http.get<OrgTreeNode[]>('/api/org-units/tree', { universityId }),
};

export const devicesApi = {
  list: (q: DeviceQuery, signal?: AbortSignal) => http.get<Page<Device>>('/api/devices', { ...q }, signal),
  get: (deviceId: string) => http.get<Device>(`/api/devices/${id(deviceId)}`),
  create: (input: DeviceInput) => http.post<Device>('/api/devices', input),
  update: (deviceId: string, patch: DevicePatch) => http.patch<Device>(`/api/devices/${id(deviceId)}`, patch),
  remove: (deviceId: string) => http.delete(`/api/devices/${id(deviceId)}`),
  maintenance: (deviceId: string) => http.get<MaintenanceRecord[]>(`/api/devices/${id(deviceId)}/maintenance`),
  addMaintenance: (deviceId: string, input: MaintenanceInput) => http.post<MaintenanceRecord>(`/api/devices/${id(deviceId)}/maintenance`, input),
};

export const auditApi = {
  list: (q: AuditQuery, signal?: AbortSignal) => http.get<Page<AuditEntry>>('/api/audit', { ...q }, signal),
};

export const mapApi = {
  layers: (q: { universityId?: string; campusId?: string }, signal?: AbortSignal) => http.get<MapData>('/api/map', q, signal),
};
