import type { DeviceEvent, EventKind } from '../../../shared/events.ts';
import type { DeviceRef } from '../../api/events.ts';
import { effectiveKinds } from './event-kinds.ts';

/** What the event stream shows; empty means "all". */
export interface EventFilter {
  kinds: EventKind[];
  /** Show heartbeats when no kind is chosen. */
  showNoisy: boolean;
  universityId?: string;
  campusId?: string;
  deviceId?: string;
}

/** The part of the filter the API applies (GET /api/events); the campus is applied here. */
export function apiQueryOf(f: EventFilter): { kind?: EventKind[]; deviceId?: string; universityId?: string } {
  return { kind: effectiveKinds(f.kinds, f.showNoisy), deviceId: f.deviceId, universityId: f.universityId };
}

/**
 * The filter as a predicate over events, for live ones and for the campus part of history.
 * A campus filter needs the device directory: an event of a device not (yet) in it is kept
 * out while a campus is chosen.
 */
export function eventMatcher(f: EventFilter, devices: ReadonlyMap<string, DeviceRef>): (e: DeviceEvent) => boolean {
  const kinds = effectiveKinds(f.kinds, f.showNoisy);
  const kindSet = kinds ? new Set<string>(kinds) : null;
  return (e) => {
    if (kindSet && !kindSet.has(e.kind)) return false;
    if (f.universityId && e.orgId !== f.universityId) return false;
    if (f.deviceId && e.deviceId !== f.deviceId) return false;
    if (f.campusId && devices.get(e.deviceId)?.campusId !== f.campusId) return false;
    return true;
  };
}
