import type { DeviceEvent } from '../../shared/events.ts';
import { uuid7 } from '../util/uuid7.ts';
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

/**
 * Where a bus message comes from, so a chain can be traced ("why did this door unlock?"):
 * its own id, the id of what caused it (an event, a request, another message) and the person
 * who acted, if anyone. Every message carries one; handlers may ignore it.
 */
export interface MessageContext {
  id: string;
  parentId: string | null;
  actorId: string | null;
}

type Handler<T> = (message: T, context: MessageContext) => void;

/**
 * Typed in-process bus. Consumers run after the store has committed, so a consumer that fails
 * or lags loses nothing: it can be replayed from the store. One consumer's exception neither
 * reaches the publisher nor stops the other consumers.
 */
export class EventBus {
  private readonly handlers = new Map<keyof EventMap, Set<Handler<never>>>();

  constructor(private readonly onError: (err: unknown, name: string) => void = (err, name) => console.error(`bus consumer of ${name} failed`, err)) {}

  /** Delivers `message` to every subscriber at once; returns its context (its id can be the parent of what follows). */
  publish<K extends keyof EventMap>(name: K, message: EventMap[K], cause: { parentId?: string | null; actorId?: string | null } = {}): MessageContext {
    const context: MessageContext = { id: uuid7(), parentId: cause.parentId ?? null, actorId: cause.actorId ?? null };
    const set = this.handlers.get(name);
    if (!set) return context;
    for (const h of set) {
      try {
        (h as Handler<EventMap[K]>)(message, context);
      } catch (err) {
        this.onError(err, name);
      }
    }
    return context;
  }

  subscribe<K extends keyof EventMap>(name: K, handler: Handler<EventMap[K]>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }
}

/** What a module's classes need of the bus: publish and subscribe. */
export type Bus = Pick<EventBus, 'publish' | 'subscribe'>;

/**
 * One module's view of the bus. It keeps the unsubscribe handle of every subscription the
 * module's classes make (many subscribe in their constructors), so stopping the module ends them
 * all: `stopModules` closes it after the module's own stop.
 */
export class ModuleBus implements Bus {
  private readonly subscriptions = new Set<() => void>();

  constructor(private readonly bus: EventBus) {}

  publish: EventBus['publish'] = (name, message, cause) => this.bus.publish(name, message, cause);

  subscribe: EventBus['subscribe'] = (name, handler) => {
    const off = this.bus.subscribe(name, handler);
    const unsubscribe = () => {
      off();
      this.subscriptions.delete(unsubscribe);
    };
    this.subscriptions.add(unsubscribe);
    return unsubscribe;
  };

  /** How many subscriptions are open (tests check that a stopped module holds none). */
  get open(): number {
    return this.subscriptions.size;
  }

  close() {
    for (const off of [...this.subscriptions]) off();
  }
}
