import type { Generated } from 'kysely';

/**
 * Table types shared by both dialects. Timestamps are ISO-8601 strings (timestamptz in
 * PostgreSQL, text in SQLite); JSON columns are jsonb/text and go through readJson/writeJson;
 * flags are 0/1 integers in both.
 */
export interface OrgUnitTable {
  id: string;
  kind: string;
  parent_id: string | null;
  university_id: string | null;
  name: string;
  code: string | null;
  floor_level: number | null;
  privacy: string | null;
  population: number | null;
  address: string | null;
  lon: number | null;
  lat: number | null;
  geometry: unknown | null;
  created_at: string;
  updated_at: string;
}

export interface KeySiteTable {
  id: string;
  university_id: string;
  campus_id: string;
  building_id: string | null;
  name: string;
  category: string;
  geometry: unknown;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeviceTable {
  id: string;
  university_id: string;
  campus_id: string;
  building_id: string | null;
  floor_id: string | null;
  area_id: string | null;
  name: string;
  kind: string;
  status: string;
  lon: number | null;
  lat: number | null;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  ip: string | null;
  gb_id: string | null;
  install_date: string | null;
  warranty_end: string | null;
  notes: string | null;
  camera_resolution: string | null;
  camera_type: string | null;
  mount_height_m: number | null;
  bearing_deg: number | null;
  fov_deg: number | null;
  range_m: number | null;
  placement: string | null;
  retention_days: number | null;
  created_at: string;
  updated_at: string;
}

export interface MaintenanceRecordTable {
  id: string;
  device_id: string;
  university_id: string;
  date: string;
  kind: string;
  performed_by: string;
  notes: string | null;
  created_by: string | null;
  created_at: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  university_id: string | null;
  disabled: number;
  phone: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  university_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown | null;
  after: unknown | null;
  ip: string | null;
  request_id: string | null;
}

export interface DB {
  org_units: OrgUnitTable;
  key_sites: KeySiteTable;
  devices: DeviceTable;
  maintenance_records: MaintenanceRecordTable;
  users: UserTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
}
