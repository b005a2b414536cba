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
  /** JSON array of floor ids; null: the whole building, or outdoors. */
  floor_ids: unknown;
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
  /** Lower-cased name, serial, IP, GB id, model, vendor (src/shared/device-search.ts). */
  search_text: string | null;
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
  failed_logins: Generated<number>;
  last_failed_login_at: string | null;
  last_failed_login_ip: string | null;
  locked_until: string | null;
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

export interface DB extends EventsDB, AlarmsDB {
  org_units: OrgUnitTable;
  key_sites: KeySiteTable;
  devices: DeviceTable;
  maintenance_records: MaintenanceRecordTable;
  users: UserTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
}

export interface EventTable {
  id: string;
  university_id: string;
  device_id: string;
  source: string;
  source_event_id: string | null;
  kind: string;
  severity: string;
  occurred_at: string;
  received_at: string;
  subject: string | null;
  payload: unknown;
}

/**
 * PostgreSQL only: one row per (device, source event id) stored, the resend check of the
 * month-partitioned event store (whose unique keys must contain the month; a resend may come
 * without its own time). SQLite keeps that check as a unique index on `events`.
 */
export interface EventSourceTable {
  device_id: string;
  source_event_id: string;
  event_id: string;
  received_at: string;
}

export interface DeadLetterTable {
  id: string;
  received_at: string;
  source: string;
  university_id: string | null;
  device_id: string | null;
  topic: string | null;
  reason: string;
  field: string | null;
  raw: Buffer;
}

export interface DeviceCredentialTable {
  device_id: string;
  secret_hash: string;
  /** MD5(gbId:realm:secret) for SIP digest, set when the device has a GB/T 28181 id. */
  sip_ha1: string | null;
  /** The SIP domain the HA1 was computed for (a changed domain needs new credentials). */
  sip_realm: string | null;
  created_at: string;
  created_by: string | null;
}

export interface DeviceHealthTable {
  device_id: string;
  university_id: string;
  online: number;
  last_seen_at: string | null;
  changed_at: string;
}

export interface DeviceHealthSampleTable {
  at: string;
  university_id: string;
  campus_id: string;
  kind: string;
  total: number;
  online: number;
}

export interface EventsDB {
  device_health_samples: DeviceHealthSampleTable;
  events: EventTable;
  event_sources: EventSourceTable;
  dead_letters: DeadLetterTable;
  device_credentials: DeviceCredentialTable;
  gb_devices: GbDeviceTable;
  gb_channels: GbChannelTable;
  gb_exchanges: GbExchangeTable;
  onvif_cameras: OnvifCameraTable;
  device_health: DeviceHealthTable;
  recording_plans: RecordingPlanTable;
  recording_segments: RecordingSegmentTable;
  evidence_clips: EvidenceClipTable;
  alarm_cameras: AlarmCameraTable;
  tour_groups: TourGroupTable;
  vehicles: VehicleTable;
  gate_passages: GatePassageTable;
  people: PersonTable;
  person_credentials: PersonCredentialTable;
  access_groups: AccessGroupTable;
  access_doors: AccessDoorTable;
  access_passback: AccessPassbackTable;
  visits: VisitTable;
  visit_log: VisitLogTable;
  sightings: SightingTable;
  presence: PresenceTable;
  sighting_backfill: SightingBackfillTable;
  patrol_checkpoints: PatrolCheckpointTable;
  patrol_routes: PatrolRouteTable;
  patrol_tours: PatrolTourTable;
  patrol_tour_points: PatrolTourPointTable;
  patrol_checkins: PatrolCheckinTable;
  duty_posts: DutyPostTable;
  duty_assignments: DutyAssignmentTable;
  duty_months: DutyMonthTable;
  duty_certificates: DutyCertificateTable;
  duty_gap_reports: DutyGapReportTable;
  duty_swaps: DutySwapTable;
  handovers: HandoverTable;
  alarm_routes: AlarmRouteTable;
  training_sessions: TrainingSessionTable;
  training_attendance: TrainingAttendanceTable;
  drills: DrillTable;
  compliance_snapshots: ComplianceSnapshotTable;
  compliance_settings: ComplianceSettingsTable;
  compliance_evidence: ComplianceEvidenceTable;
}

/** 电子巡更 (modules/patrol). */
export interface PatrolCheckpointTable {
  id: string;
  university_id: string;
  campus_id: string | null;
  name: string;
  lon: number;
  lat: number;
  radius_m: number;
  device_id: string | null;
  token: string;
  created_at: string;
  updated_at: string;
}

export interface PatrolRouteTable {
  id: string;
  university_id: string;
  name: string;
  ordered: number;
  points: unknown;
  min_step_s: number;
  late_grace_min: number;
  start_times: unknown;
  days: unknown;
  holidays: string;
  guard_ids: unknown;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface PatrolTourTable {
  id: string;
  university_id: string;
  route_id: string;
  route_name: string;
  ordered: number;
  day: string;
  starts_at: string;
  ends_at: string;
  min_step_s: number;
  guard_ids: unknown;
  too_fast: number;
  too_fast_reported_at: string | null;
  created_at: string;
}

export interface PatrolTourPointTable {
  id: string;
  tour_id: string;
  university_id: string;
  checkpoint_id: string;
  checkpoint_name: string;
  seq: number;
  due_at: string;
  grace_until: string;
  checked_at: string | null;
  method: string | null;
  guard_id: string | null;
  guard_name: string | null;
  out_of_order: number;
  missed_reported_at: string | null;
  late_reported_at: string | null;
  order_reported_at: string | null;
}

export interface PatrolCheckinTable {
  id: string;
  university_id: string;
  checkpoint_id: string;
  tour_id: string | null;
  at: string;
  method: string;
  guard_id: string | null;
  guard_name: string | null;
  event_id: string | null;
  distance_m: number | null;
}

/** 访客: visitor_phone and visitor_id_number are stored in full and masked on the way out (modules/visitors). */
export interface VisitTable {
  id: string;
  university_id: string;
  campus_id: string;
  visitor_name: string;
  visitor_phone: string;
  visitor_id_number: string | null;
  plate: string | null;
  host_id: string;
  host_name: string;
  reason: string;
  window_from: string;
  window_to: string;
  gate_ids: unknown;
  state: string;
  pass_token: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  checked_in_at: string | null;
  checked_out_at: string | null;
  overstay_reported_at: string | null;
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface VisitLogTable {
  id: string;
  visit_id: string;
  university_id: string;
  at: string;
  action: string;
  refusal: string | null;
  direction: string | null;
  device_id: string | null;
  actor_name: string | null;
  note: string | null;
}

/** 全程可溯: one sighting of a subject (person:<id>, card:<no>, plate:<plate> …) per stored event (modules/trajectory). */
export interface SightingTable {
  university_id: string;
  subject: string;
  at: string;
  event_id: string;
  device_id: string;
  kind: string;
  direction: string | null;
  entrance: number;
}

/** Each person's last pass at a campus entrance: inside (1) or out (0). */
export interface PresenceTable {
  university_id: string;
  subject: string;
  inside: number;
  at: string;
  device_id: string;
}

export interface SightingBackfillTable {
  name: string;
  after_id: string;
  until_id: string | null;
  done_at: string | null;
}

/** 人员库: id_number and phone are stored in full and masked on the way out (modules/people). */
export interface PersonTable {
  id: string;
  university_id: string;
  kind: string;
  name: string;
  number: string;
  department: string | null;
  id_number: string | null;
  phone: string | null;
  status: string;
  valid_until: string | null;
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface PersonCredentialTable {
  id: string;
  university_id: string;
  person_id: string;
  kind: string;
  value: string;
  status: string;
  created_at: string;
  revoked_at: string | null;
}

export interface TourGroupTable {
  id: string;
  university_id: string;
  name: string;
  camera_ids: unknown;
  layout: number;
  interval_s: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface AlarmCameraTable {
  alarm_id: string;
  device_id: string;
  university_id: string;
  alarm_at: string;
}

export interface AlarmRuleTable {
  id: string;
  university_id: string;
  name: string;
  enabled: number;
  definition: unknown;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AlarmTable {
  id: string;
  university_id: string;
  rule_id: string | null;
  type: string;
  priority: number;
  state: string;
  latched: number;
  title: string;
  device_id: string;
  campus_id: string | null;
  building_id: string | null;
  floor_id: string | null;
  lon: number | null;
  lat: number | null;
  event_count: number;
  first_event_id: string;
  last_event_id: string;
  first_at: string;
  last_at: string;
  linked_cameras: unknown;
  state_changed_at: string;
  due_at: string | null;
  escalation_level: number;
  created_at: string;
  /** The drill (演练) this alarm belongs to; null for a real alarm. */
  drill_id: string | null;
}

export interface AlarmEventTable {
  alarm_id: string;
  event_id: string;
  at: string;
}

export interface AlarmLogTable {
  id: string;
  alarm_id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  data: unknown | null;
}

export interface RuleRunTable {
  rule_id: string;
  event_id: string;
  university_id: string;
  alarm_id: string | null;
  at: string;
  trace: unknown;
}

export interface ConsumerOffsetTable {
  consumer: string;
  last_event_id: string;
  updated_at: string;
}

export interface CalendarDayTable {
  university_id: string;
  date: string;
  kind: string;
  name: string | null;
}

export interface PendingActionTable {
  id: string;
  university_id: string;
  rule_id: string;
  event_id: string;
  alarm_id: string | null;
  action: unknown;
  status: string;
  result: unknown | null;
  attempts: number;
  created_at: string;
  done_at: string | null;
}

export interface AlarmSopStepTable {
  alarm_id: string;
  idx: number;
  key: string;
  title: string;
  mandatory: number;
  requires: string;
  done_at: string | null;
  done_by: string | null;
  done_by_name: string | null;
  note: string | null;
  photo_id: string | null;
}

export interface AlarmPhotoTable {
  id: string;
  alarm_id: string;
  content_type: string;
  bytes: Buffer;
  size: number;
  uploaded_by: string;
  at: string;
}

export interface DispatchTable {
  id: string;
  alarm_id: string;
  university_id: string;
  guard_id: string;
  state: string;
  distance_m: number | null;
  created_at: string;
  created_by: string | null;
  accepted_at: string | null;
  arrived_at: string | null;
  finished_at: string | null;
  note: string | null;
}

export interface GuardPositionTable {
  user_id: string;
  university_id: string;
  lon: number;
  lat: number;
  accuracy_m: number | null;
  source: string;
  at: string;
}

export interface AlarmsDB {
  alarm_sop_steps: AlarmSopStepTable;
  alarm_photos: AlarmPhotoTable;
  dispatches: DispatchTable;
  guard_positions: GuardPositionTable;
  pending_actions: PendingActionTable;
  alarm_rules: AlarmRuleTable;
  alarms: AlarmTable;
  alarm_events: AlarmEventTable;
  alarm_log: AlarmLogTable;
  rule_runs: RuleRunTable;
  consumer_offsets: ConsumerOffsetTable;
  calendar_days: CalendarDayTable;
}

/** A GB/T 28181 device's registration and its last exchanges (module gb28181). */
export interface GbDeviceTable {
  device_id: string;
  university_id: string;
  gb_id: string;
  transport: string | null;
  address: string | null;
  port: number | null;
  contact: string | null;
  gb_version: string | null;
  user_agent: string | null;
  registered_at: string | null;
  expires_at: string | null;
  last_keepalive_at: string | null;
  clock_offset_ms: number | null;
  updated_at: string;
}

/** The last exchange of a kind with a GB/T 28181 device (module gb28181). */
export interface GbExchangeTable {
  device_id: string;
  kind: string;
  at: string;
  result: string;
  status: number;
  reason: string;
  seen_from: string;
  declared: string | null;
}

/** A channel of a GB/T 28181 device, as its catalog reported it (module gb28181). */
export interface GbChannelTable {
  device_id: string;
  parent_device_id: string;
  university_id: string;
  gb_id: string;
  status: string | null;
  ptz_type: number | null;
  room_type: number | null;
  use_type: number | null;
  item: unknown;
  updated_at: string;
}

/** An ONVIF camera: how it is reached and what it said it is (module onvif). */
export interface OnvifCameraTable {
  device_id: string;
  university_id: string;
  host: string;
  port: number;
  username: string;
  /** Kept as entered: every ONVIF call is signed with it (see migration 0011). */
  password: string;
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  profiles: unknown;
  presets: unknown;
  snapshot_uri: string | null;
  has_ptz: number;
  clock_offset_ms: number | null;
  last_error: string | null;
  last_error_at: string | null;
  refreshed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RecordingPlanTable {
  device_id: string;
  university_id: string;
  mode: string;
  windows: unknown;
  pre_roll_s: number;
  post_roll_s: number;
  since: string;
  updated_at: string;
  updated_by: string | null;
}

export interface RecordingSegmentTable {
  id: string;
  device_id: string;
  university_id: string;
  start_at: string;
  end_at: string;
  /** Relative to XIAOAN_DATA_DIR. */
  path: string;
  bytes: number;
  codec: string;
  init_bytes: number;
  evidence_hold: number;
  created_at: string;
}

export interface EvidenceClipTable {
  id: string;
  university_id: string;
  alarm_id: string | null;
  device_id: string;
  from_at: string;
  to_at: string;
  /** Relative to XIAOAN_DATA_DIR. */
  path: string;
  bytes: number;
  sha256: string;
  duration_s: number;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface VehicleTable {
  id: string;
  university_id: string;
  plate: string;
  list: string;
  owner_name: string;
  owner_phone: string | null;
  owner_department: string | null;
  valid_from: string | null;
  valid_until: string | null;
  schedule: unknown;
  approved_by: string | null;
  approved_at: string | null;
  note: string | null;
  status: string;
  inside: number;
  last_passage_at: string | null;
  overstay_reported_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface GatePassageTable {
  id: string;
  university_id: string;
  at: string;
  device_id: string;
  barrier_id: string | null;
  plate: string;
  direction: string;
  confidence: number;
  decision: string;
  reason: string;
  vehicle_id: string | null;
  list: string | null;
  barrier: string | null;
  barrier_ms: number | null;
}

/** 门禁权限组: door_ids and members as JSON (the decider caches a university's groups). */
export interface AccessGroupTable {
  id: string;
  university_id: string;
  name: string;
  door_ids: string;
  members: string;
  schedule: string | null;
  valid_from: string | null;
  valid_until: string | null;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface AccessDoorTable {
  door_id: string;
  university_id: string;
  mode: string;
  credentials: string;
  anti_passback: number;
  first_card_unlock: number;
  normally_open: string | null;
  first_unlocked_on: string | null;
  list_version: number;
  list_hash: string | null;
  list_entries: number;
  list_status: string | null;
  list_sent_at: string | null;
  list_acked_version: number | null;
  list_acked_at: string | null;
  list_message: string | null;
  updated_at: string;
}

export interface AccessPassbackTable {
  person_id: string;
  door_id: string;
  university_id: string;
  direction: string;
  at: string;
}

/** 值班 (modules/duty): posts, with their shifts as JSON [{code, name, start, end}]. */
export interface DutyPostTable {
  id: string;
  university_id: string;
  name: string;
  kind: string;
  command_centre: number;
  pattern: string;
  shifts: string;
  sort: number;
  created_at: string;
  updated_at: string;
}

export interface DutyAssignmentTable {
  id: string;
  university_id: string;
  post_id: string;
  account_id: string;
  /** Beijing date YYYY-MM-DD the shift starts on. */
  date: string;
  shift: string;
  created_at: string;
}

export interface DutyMonthTable {
  university_id: string;
  month: string;
  state: string;
  published_at: string | null;
  published_by: string | null;
}

export interface DutyCertificateTable {
  id: string;
  university_id: string;
  account_id: string;
  type: string;
  number: string;
  issuer: string;
  valid_from: string;
  valid_to: string;
  expiry_warned_at: string | null;
  scan: Uint8Array | null;
  scan_size: number | null;
  created_at: string;
  updated_at: string;
}

export interface DutyGapReportTable {
  id: string;
  university_id: string;
  post_id: string;
  gap_from: string;
  gap_to: string;
  reported_at: string;
}

/** 换班 (modules/duty): a swap request, the shifts as they stood when asked, the answer and the decision. */
export interface DutySwapTable {
  id: string;
  university_id: string;
  /** give | exchange */
  kind: string;
  /** requested | agreed | approved | declined | rejected | cancelled */
  state: string;
  requester_id: string;
  target_id: string;
  assignment_id: string;
  post_id: string;
  date: string;
  shift: string;
  target_assignment_id: string | null;
  target_post_id: string | null;
  target_date: string | null;
  target_shift: string | null;
  reason: string;
  /** Account id of who asked (the requester, or a director on their behalf). */
  requested_by: string;
  requested_at: string;
  answered_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  note: string | null;
}

/** 交接班 (modules/handover): one per command-centre shift change; JSON columns hold the duty log as signed. */
export interface HandoverTable {
  id: string;
  university_id: string;
  shift_from: string;
  shift_to: string;
  post_name: string;
  shift_name: string;
  outgoing_id: string;
  outgoing_name: string;
  incoming_expected: string;
  incoming_id: string | null;
  incoming_name: string | null;
  /** open → signed → accepted */
  state: string;
  open_alarms: string;
  device_faults: string;
  checklist: string;
  notes: string;
  moved_alarms: number;
  created_at: string;
  signed_at: string | null;
  accepted_at: string | null;
}

/** 按值班分派 (modules/alarms): who an alarm was routed to (command-centre operators, the duty leader). */
export interface AlarmRouteTable {
  alarm_id: string;
  account_id: string;
  university_id: string;
  /** operator | leader */
  role: string;
  name: string;
  routed_at: string;
}

/** 培训与演练 (modules/training): a training session (理论培训 / 实操培训 / 演练). */
export interface TrainingSessionTable {
  id: string;
  university_id: string;
  title: string;
  kind: string;
  date: string;
  hours: number;
  trainer: string;
  note: string | null;
  drill_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Who was expected at a session, whether they came, and their score or remark. */
export interface TrainingAttendanceTable {
  session_id: string;
  account_id: string;
  university_id: string;
  attended: number;
  score: number | null;
  passed: number | null;
  remark: string | null;
}

/** A drill: a scenario injected through the event path; `event_ids` as JSON, `result` once finished. */
export interface DrillTable {
  id: string;
  university_id: string;
  scenario: string;
  title: string;
  device_id: string;
  state: string;
  started_at: string;
  started_by: string;
  finished_at: string | null;
  event_ids: unknown;
  result: unknown;
  session_id: string | null;
  created_at: string;
}

/** 评估快照 (modules/compliance): a university's score of one Beijing day and the inputs it came from. */
export interface ComplianceSnapshotTable {
  id: string;
  university_id: string;
  /** YYYY-MM-DD, Beijing */
  day: string;
  pack_id: string;
  pack_version: string;
  score: number;
  earned: number;
  possible: number;
  counts: unknown;
  /** gzip of the JSON ComplianceInputs */
  inputs: Uint8Array;
  computed_at: string;
}


/** 规则包参数 (modules/compliance): a university's tightened pack parameters. */
export interface ComplianceSettingsTable {
  university_id: string;
  pack_id: string;
  /** JSON ruleId → param → value */
  overrides: unknown;
  updated_by: string;
  updated_by_name: string;
  updated_at: string;
}

/** 佐证材料 (modules/compliance): a document or photo a rule is judged from, and its review. */
export interface ComplianceEvidenceTable {
  id: string;
  university_id: string;
  rule_id: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  bytes: Uint8Array;
  note: string;
  /** JSON RoomFacts (S-ROOM) or null */
  facts: unknown;
  status: string;
  uploaded_by: string;
  uploaded_by_name: string;
  uploaded_at: string;
  reviewed_by: string | null;
  reviewed_by_name: string | null;
  reviewed_at: string | null;
  review_reason: string | null;
}
