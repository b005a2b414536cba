/**
 * Shapes of the HTTP API as the web console uses them (see /docs for the OpenAPI document).
 * Closed lists come from src/shared so the server and the console cannot drift apart.
 */
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import type {
  CAMERA_RESOLUTIONS,
  CAMERA_TYPES,
  DeviceKind,
  DeviceStatus,
  KeySiteCategory,
  MAINTENANCE_KINDS,
  OrgKind,
  PLACEMENTS,
  PrivacyKind,
  Role,
} from '../../shared/domain.ts';
import type { Permission } from '../../shared/permissions.ts';
import type { User } from '../../shared/accounts.ts';
import type { AuditEntry } from '../../shared/audit.ts';

export type CameraResolution = (typeof CAMERA_RESOLUTIONS)[number];
export type CameraType = (typeof CAMERA_TYPES)[number];
export type Placement = (typeof PLACEMENTS)[number];
export type MaintenanceKind = (typeof MAINTENANCE_KINDS)[number];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}


export type { AuditEntry, User };

export interface Session {
  user: User;
  permissions: Permission[];
}

/** Failed logins to the account since its last successful login, told to the user at login. */
export interface LoginNotice {
  failedAttempts: number;
  lastFailedAt: string | null;
  lastFailedIp: string | null;
}

export interface OrgTreeNode {
  id: string;
  kind: OrgKind;
  name: string;
  floorLevel: number | null;
  privacy: PrivacyKind | null;
  children: OrgTreeNode[];
}

export interface CameraFields {
  resolution: CameraResolution;
  type: CameraType;
  mountHeightM: number | null;
  bearingDeg: number | null;
  fovDeg: number | null;
  rangeM: number | null;
  placement: Placement | null;
}

export interface Device {
  id: string;
  universityId: string;
  campusId: string;
  buildingId: string | null;
  floorId: string | null;
  areaId: string | null;
  name: string;
  kind: DeviceKind;
  status: DeviceStatus;
  lon: number | null;
  lat: number | null;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  ip: string | null;
  gbId: string | null;
  installDate: string | null;
  warrantyEnd: string | null;
  retentionDays: number | null;
  notes: string | null;
  camera: CameraFields | null;
  createdAt: string;
  updatedAt: string;
}

/** Body of POST /api/devices; PATCH takes any subset (null clears a field). */
export interface DeviceInput {
  name: string;
  kind: DeviceKind;
  status?: DeviceStatus;
  campusId?: string | null;
  buildingId?: string | null;
  floorId?: string | null;
  areaId?: string | null;
  lon?: number | null;
  lat?: number | null;
  vendor?: string | null;
  model?: string | null;
  serial?: string | null;
  ip?: string | null;
  gbId?: string | null;
  installDate?: string | null;
  warrantyEnd?: string | null;
  retentionDays?: number | null;
  notes?: string | null;
  camera?: Partial<CameraFields> | null;
}

export const DEVICE_SORTS = ['name', 'kind', 'status', 'createdAt', 'installDate', 'warrantyEnd'] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

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

export interface MaintenanceRecord {
  id: string;
  deviceId: string;
  universityId: string;
  date: string;
  kind: MaintenanceKind;
  performedBy: string;
  notes: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface MaintenanceInput {
  date: string;
  kind: MaintenanceKind;
  performedBy: string;
  notes?: string | null;
}


export interface AuditQuery {
  page?: number;
  pageSize?: number;
  entityType?: string;
  action?: string;
}

// ---- GET /api/map ----

export interface CampusProps {
  id: string;
  name: string;
}
export interface BuildingProps {
  id: string;
  name: string;
  campusId: string;
  floors: number;
}
export interface AreaProps {
  id: string;
  name: string;
  privacy: PrivacyKind | null;
  floorId: string;
}
export interface KeySiteProps {
  id: string;
  name: string;
  category: KeySiteCategory;
  campusId?: string;
  buildingId?: string | null;
}
export interface DeviceProps {
  id: string;
  name: string;
  kind: DeviceKind;
  status: DeviceStatus;
  campusId?: string;
  buildingId: string | null;
  floorId: string | null;
  floorLevel: number | null;
  resolution: CameraResolution | null;
  bearingDeg: number | null;
  fovDeg: number | null;
  rangeM: number | null;
}

type Area = Polygon | MultiPolygon;
export interface MapData {
  campuses: FeatureCollection<Area, CampusProps>;
  buildings: FeatureCollection<Area, BuildingProps>;
  areas: FeatureCollection<Area, AreaProps>;
  keySites: FeatureCollection<Area, KeySiteProps>;
  devices: FeatureCollection<Point, DeviceProps>;
}
export type DeviceFeature = Feature<Point, DeviceProps>;
