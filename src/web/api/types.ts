/**
 * Shapes of the HTTP API as the web console uses them (see /docs for the OpenAPI document).
 * The answers and bodies are the server's own schemas in src/shared; what is left here are
 * the queries the console sends.
 */
import type { DeviceSort } from '../../shared/devices.ts';
import type { DeviceKind, DeviceStatus } from '../../shared/domain.ts';

export type { AuditEntry } from '../../shared/audit.ts';
export type { LoginAnswer, LoginNotice, Session } from '../../shared/accounts.ts';
export { DEVICE_SORTS } from '../../shared/devices.ts';
export type { CameraFields, Device, DeviceInput, DevicePatch, DeviceSort, MaintenanceInput, MaintenanceRecord } from '../../shared/devices.ts';
export type { DeviceProps, MapData } from '../../shared/map.ts';
export type { OrgTreeNode } from '../../shared/org.ts';
export type { Page } from '../../shared/schema.ts';

export interface DeviceQuery {
  page?: number;
  pageSize?: number;
  kind?: DeviceKind[];
  status?: DeviceStatus[];
  universityId?: string;
  campusId?: string;
  buildingId?: string;
  floorId?: string;
  q?: string;
  sort?: DeviceSort;
  order?: 'asc' | 'desc';
}

export interface AuditQuery {
  page?: number;
  pageSize?: number;
  entityType?: string;
  action?: string;
}
