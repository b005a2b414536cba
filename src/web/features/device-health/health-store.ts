/**
 * Online state of devices as the console knows it: loaded from GET /api/device-health, then
 * kept current by the live `status` messages. A device with no entry has never been seen
 * ("unknown"), which is different from offline (seen, then silent).
 */
import type { DeviceHealth } from '../../api/events.ts';
import type { DeviceStatusChange } from '../../live/live-connection.ts';

export const HEALTH_STATES = ['online', 'offline', 'unknown'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export function healthStateOf(h: DeviceHealth | undefined): HealthState {
  return !h ? 'unknown' : h.online ? 'online' : 'offline';
}

/** What changed: some devices, or everything (a fresh load). */
export type HealthChange = { type: 'reset' } | { type: 'changes'; deviceIds: string[] };

export class HealthStore {
  private entries = new Map<string, DeviceHealth>();
  private readonly listeners = new Set<(change: HealthChange) => void>();
  /** Bumped on every change, for React to notice. */
  version = 0;
  /** Whether the first load has arrived. */
  loaded = false;

  get(deviceId: string): DeviceHealth | undefined {
    return this.entries.get(deviceId);
  }

  state(deviceId: string): HealthState {
    return healthStateOf(this.entries.get(deviceId));
  }

  /**
   * The whole picture from the API (first load, a reconnection, a periodic refresh). After the
   * first load only the devices whose state differs are announced, so the map is not redrawn.
   */
  reset(all: Record<string, DeviceHealth>): void {
    const next = new Map(Object.entries(all));
    const first = !this.loaded;
    const changed: string[] = [];
    if (!first) {
      for (const [id, h] of next) if (healthStateOf(this.entries.get(id)) !== healthStateOf(h)) changed.push(id);
      for (const id of this.entries.keys()) if (!next.has(id)) changed.push(id);
    }
    this.entries = next;
    this.loaded = true;
    this.version++;
    this.emit(first ? { type: 'reset' } : { type: 'changes', deviceIds: changed });
  }

  /** Live changes; an older change than what is known is ignored. */
  apply(changes: readonly DeviceStatusChange[]): void {
    const changed: string[] = [];
    for (const c of changes) {
      const known = this.entries.get(c.deviceId);
      if (known && known.online === c.online) continue;
      // The server's lastSeenAt of a device that went offline is its last sign of life, not the
      // moment of the change: keep what we knew.
      const lastSeenAt = c.online ? c.at : (known?.lastSeenAt ?? c.at);
      this.entries.set(c.deviceId, { online: c.online, lastSeenAt });
      changed.push(c.deviceId);
    }
    if (!changed.length) return;
    this.version++;
    this.emit({ type: 'changes', deviceIds: changed });
  }

  subscribe(listener: (change: HealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: HealthChange) {
    for (const l of this.listeners) l(change);
  }
}
