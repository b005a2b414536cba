import type { DB } from './schema.ts';

/**
 * The module that owns each table: only its files read or write it; every other module asks the
 * owner through its service (issue 11). `test/architecture/table-ownership.test.ts` checks the
 * code against this map. The compiler knows every table, so a new one must be given an owner here.
 */
export const TABLE_OWNERS = {
  org_units: 'org',
  key_sites: 'org',
  devices: 'devices',
  maintenance_records: 'devices',
  users: 'accounts',
  sessions: 'accounts',
  audit_log: 'audit',
  events: 'events',
  event_sources: 'events', // PostgreSQL only: resends recognised across month partitions
  dead_letters: 'ingest',
  device_credentials: 'ingest',
  device_health: 'health',
  device_health_samples: 'health',
  alarms: 'alarms',
  alarm_events: 'alarms',
  alarm_log: 'alarms',
  alarm_rules: 'alarms',
  rule_runs: 'alarms',
  pending_actions: 'alarms',
  alarm_sop_steps: 'procedures',
  alarm_photos: 'procedures',
  dispatches: 'dispatch',
  guard_positions: 'dispatch',
  consumer_offsets: 'events', // read positions into the event log (bus/durable-consumer.ts)
  calendar_days: 'calendar',
  gb_devices: 'gb28181',
  gb_channels: 'gb28181',
  gb_exchanges: 'gb28181',
  onvif_cameras: 'onvif',
  recording_plans: 'recordings',
  recording_segments: 'recordings',
  evidence_clips: 'evidence',
  alarm_cameras: 'alarms',
  tour_groups: 'video-wall',
  vehicles: 'vehicles',
  gate_passages: 'vehicles',
  people: 'people',
  person_credentials: 'people',
  access_groups: 'access-control',
  access_doors: 'access-control',
  access_passback: 'access-control',
  visits: 'visitors',
  visit_log: 'visitors',
  sightings: 'trajectory',
  presence: 'trajectory',
  sighting_backfill: 'trajectory',
} as const satisfies Record<keyof DB, string>;
