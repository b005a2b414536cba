/**
 * Calls of the live event pipeline: stored events, dead letters, device health and the device
 * directory the live pages use to name devices. Shapes follow the server's schemas (see /docs).
 */
import type { DeviceKind } from '../../shared/domain.ts';
import type { DeviceEvent, EventKind } from '../../shared/events.ts';
import { http } from './client.ts';
import { devicesApi } from './endpoints.ts';

export type { DeviceEvent, EventKind };

export interface EventPage {
  items: DeviceEvent[];
  /** Pass as `beforeId` for the next (older) page; null when there is none. */
  nextBeforeId: string | null;
}

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

export interface DeadLetter {
  id: string;
  receivedAt: string;
  source: string;
  deviceId: string | null;
  topic: string | null;
  reason: string;
  field: string | null;
  /** The bytes as UTF-8 (first 4 KiB). */
  rawText: string;
  /** The exact bytes, base64 (first 64 KiB). */
  rawBase64: string;
  /** Size of the whole message in bytes. */
  size: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  nextBeforeId: string | null;
}

export interface DeadLettersByDevice {
  deviceId: string | null;
  count: number;
  lastAt: string;
}

/** One device's liveness; a device absent from the answer has never been seen. */
export interface DeviceHealth {
  online: boolean;
  lastSeenAt: string;
}

export interface OnlineRateSample {
  at: string;
  campusId: string;
  kind: DeviceKind;
  total: number;
  online: number;
  rate: number;
}

export const eventsApi = {
  list: (q: EventQuery, signal?: AbortSignal) => http.get<EventPage>('/api/events', { ...q }, signal),
};

export const deadLettersApi = {
  list: (q: { deviceId?: string; beforeId?: string; limit?: number }, signal?: AbortSignal) => http.get<DeadLetterPage>('/api/dead-letters', { ...q }, signal),
  byDevice: (limit = 20, signal?: AbortSignal) => http.get<DeadLettersByDevice[]>('/api/dead-letters/by-device', { limit }, signal),
};

export const healthApi = {
  status: (signal?: AbortSignal) => http.get<Record<string, DeviceHealth>>('/api/device-health', undefined, signal),
  onlineRate: (q: { from: string; to: string; campusId?: string; kind?: DeviceKind; universityId?: string }, signal?: AbortSignal) =>
    http.get<OnlineRateSample[]>('/api/device-health/online-rate', { ...q }, signal),
};

/** What the live pages need to name a device and place it on a campus. */
export interface DeviceRef {
  id: string;
  name: string;
  kind: DeviceKind;
  universityId: string;
  campusId: string;
  buildingId: string | null;
}

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
