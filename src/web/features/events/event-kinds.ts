/**
 * Event kinds and severities as the console shows them. The lists are typed against
 * src/shared/events.ts without importing its schemas (which would pull TypeBox into the
 * bundle); event-kinds.test.ts checks they stay complete.
 */
import type { EventKind, Severity } from '../../../shared/events.ts';

/** Kinds in groups, in the order the kind filter lists them. */
export const EVENT_KIND_GROUPS = {
  alarm: ['intrusion', 'perimeter', 'fire', 'smoke', 'panic', 'door.forced', 'tamper'],
  access: ['access.granted', 'access.denied', 'door.held_open', 'vehicle.banned', 'vehicle.overstay', 'visitor.overstay'],
  video: ['plate.read', 'face.match', 'motion', 'video.loss', 'video.restored', 'recording.gap'],
  patrol: ['patrol.checkin', 'patrol.missed', 'patrol.late', 'patrol.out_of_order', 'patrol.too_fast', 'rule.absence'],
  duty: ['duty.coverage_gap', 'duty.certificate_expiring'],
  device: ['device.fault', 'command.ack', 'device.went_offline', 'device.came_online', 'device.heartbeat'],
} as const satisfies Record<string, readonly EventKind[]>;

export type EventKindGroup = keyof typeof EVENT_KIND_GROUPS;
export const EVENT_KIND_GROUP_LIST = Object.keys(EVENT_KIND_GROUPS) as EventKindGroup[];
export const ALL_EVENT_KINDS: readonly EventKind[] = Object.values(EVENT_KIND_GROUPS).flat();

/** Heartbeats are many and say little; the stream hides them unless asked. */
export const NOISY_KINDS: readonly EventKind[] = ['device.heartbeat'];

/** `access.granted` → `access_granted`: i18next reads dots in keys as nesting. */
export type KindKey<K extends string = EventKind> = K extends `${infer A}.${infer B}` ? `${A}_${B}` : K;
export const kindKey = <K extends EventKind>(kind: K) => kind.replace('.', '_') as KindKey<K>;

export const SEVERITY_LIST = ['critical', 'major', 'minor', 'info'] as const satisfies readonly Severity[];

/** Tag colour (antd preset) and row accent per severity. */
export const SEVERITY_STYLE: Record<Severity, { tag: string; accent: string }> = {
  critical: { tag: 'red', accent: '#cf1322' },
  major: { tag: 'volcano', accent: '#d4380d' },
  minor: { tag: 'gold', accent: '#d48806' },
  info: { tag: 'default', accent: 'transparent' },
};

/**
 * Kinds an API query asks for: the chosen ones, or all; without heartbeats unless chosen.
 * Returns undefined when that is every kind (no filter).
 */
export function effectiveKinds(chosen: readonly EventKind[], showNoisy: boolean): EventKind[] | undefined {
  const base = chosen.length ? chosen : ALL_EVENT_KINDS;
  const kinds = showNoisy || chosen.length ? [...base] : base.filter((k) => !NOISY_KINDS.includes(k));
  return kinds.length === ALL_EVENT_KINDS.length ? undefined : kinds;
}
