/**
 * Calls of the live event pipeline: stored events, dead letters, device health and the device
 * directory the live pages use to name devices. The shapes are the server's, from src/shared.
 */
import type { DeadLetterPage, DeadLettersByDevice } from '../../shared/dead-letters.ts';
import type { Device } from '../../shared/devices.ts';
import type { DeviceHealthMap, OnlineRateSample } from '../../shared/device-health.ts';
import type { DeviceKind } from '../../shared/domain.ts';
import type { DeviceEvent, EventKind, EventPage } from '../../shared/events.ts';
import { http } from './client.ts';
import { devicesApi } from './endpoints.ts';

export type { DeadLetter, DeadLettersByDevice } from '../../shared/dead-letters.ts';
export type { DeviceHealth, OnlineRateSample } from '../../shared/device-health.ts';
export type { DeviceEvent, EventKind };

export interface EventQuery {
  deviceId?: string;
  kind?: readonly EventKind[];
  /** Person id or plate text. */
  subject?: string;
  from?: string;
  to?: string;
  beforeId?: string;
  universityId?: string;
  limit?: number;
}

export const eventsApi = {
  list: (q: EventQuery, signal?: AbortSignal) => http.get<EventPage>('/api/events', { ...q }, signal),
};

export const deadLettersApi = {
  list: (q: { deviceId?: string; beforeId?: string; limit?: number }, signal?: AbortSignal) => http.get<DeadLetterPage>('/api/dead-letters', { ...q }, signal),
  byDevice: (limit = 20, signal?: AbortSignal) => http.get<DeadLettersByDevice[]>('/api/dead-letters/by-device', { limit }, signal),
};

export const healthApi = {
  status: (signal?: AbortSignal) => http.get<DeviceHealthMap>('/api/device-health', undefined, signal),
  onlineRate: (q: { from: string; to: string; campusId?: string; kind?: DeviceKind; universityId?: string }, signal?: AbortSignal) =>
    http.get<OnlineRateSample[]>('/api/device-health/online-rate', { ...q }, signal),
};

/** What the live pages need to name a device and place it on a campus. */
export type DeviceRef = Pick<Device, 'id' | 'name' | 'kind' | 'universityId' | 'campusId' | 'buildingId'>;

const DIRECTORY_PAGE = 500; // the ledger API's largest page
const DIRECTORY_PARALLEL = 6; // a browser's connections per host

/**
 * Every device the user may see (optionally of one university), through the ledger API in
 * pages of 500. There is no compact directory endpoint yet, so this costs ⌈n/500⌉ requests.
 */
export async function loadDeviceDirectory(universityId: string | undefined, signal?: AbortSignal): Promise<DeviceRef[]> {
  const pick = (d: DeviceRef): DeviceRef => ({ id: d.id, name: d.name, kind: d.kind, universityId: d.universityId, campusId: d.campusId, buildingId: d.buildingId });
  const query = (page: number) => devicesApi.list({ universityId, page, pageSize: DIRECTORY_PAGE, sort: 'name' }, signal);
  const first = await query(1);
  const out = first.items.map(pick);
  const pages = Math.ceil(first.total / DIRECTORY_PAGE);
  for (let p = 2; p <= pages; p += DIRECTORY_PARALLEL) {
    const batch = await Promise.all(Array.from({ length: Math.min(DIRECTORY_PARALLEL, pages - p + 1) }, (_, i) => query(p + i)));
    for (const page of batch) out.push(...page.items.map(pick));
  }
  return out;
}
