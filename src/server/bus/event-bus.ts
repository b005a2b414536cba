import type { DeviceEvent } from '../../shared/events.ts';
import type { AlarmChange, DeviceStatusChange, DispatchChange } from '../../shared/live.ts';

export type { DeviceStatusChange };

/** Everything published on the in-process bus, by name. */
export interface EventMap {
  /** Events just committed to the store, in commit order (one batch per group commit). */
  'events.committed': DeviceEvent[];
  'device.status_changed': DeviceStatusChange;
  /** Alarms created or changed (one message per transaction), for operator screens. */
  'alarms.changed': (AlarmChange & { universityId: string })[];
  /** Dispatches offered to or changed by a guard, for the guard's phone. */
  'dispatches.changed': (DispatchChange & { guardId: string })[];
  /** A ledger write: caches keyed by device drop their entry. */
  'ledger.device_changed': { deviceId: string };
  /**
   * Sessions ended: one (logout, `tokenHash` set) or all of a user's (disabled, role or university
   * changed, password changed). Open live sockets of those sessions close.
   */
  'accounts.sessions_ended': { userId: string; tokenHash?: string; reason: 'logout' | 'disabled' | 'access_changed' | 'password_changed' };
  /** A key site (重点部位) was created, reshaped or removed: what lies inside it changed. */
  'org.key_site_changed': { universityId: string; keySiteId: string };
}

type Handler<T> = (message: T) => void;

/**
 * Typed in-process bus. Consumers run after the store has committed, so a consumer that fails
 * or lags loses nothing: it can be replayed from the store. One consumer's exception neither
 * reaches the publisher nor stops the other consumers.
 */
export class EventBus {
  private readonly handlers = new Map<keyof EventMap, Set<Handler<never>>>();

  constructor(private readonly onError: (err: unknown, name: string) => void = (err, name) => console.error(`bus consumer of ${name} failed`, err)) {}

  publish<K extends keyof EventMap>(name: K, message: EventMap[K]): void {
    const set = this.handlers.get(name);
    if (!set) return;
    for (const h of set) {
      try {
        (h as Handler<EventMap[K]>)(message);
      } catch (err) {
        this.onError(err, name);
      }
    }
  }

  subscribe<K extends keyof EventMap>(name: K, handler: Handler<EventMap[K]>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }
}
