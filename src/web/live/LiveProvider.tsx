import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { DeviceEvent } from '../../shared/events.ts';
import { sessionEnded } from '../api/client.ts';
import { LiveConnection, liveUrl, type DeviceStatusChange, type LiveMessageOf, type LiveMessageType, type LiveState, type ResyncReason } from './live-connection.ts';

const LiveContext = createContext<LiveConnection | null>(null);

/**
 * Opens the console's one live connection for the logged-in session (mounted inside the
 * authenticated layout) and closes it on logout. Pages subscribe through the hooks below.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [connection] = useState(() => new LiveConnection({ url: liveUrl(window.location), onSessionEnded: sessionEnded }));
  useEffect(() => {
    connection.start();
    // Back from sleep or a network outage: do not wait for the backoff timer.
    const retry = () => connection.reconnectNow();
    const onVisible = () => document.visibilityState === 'visible' && retry();
    window.addEventListener('online', retry);
    document.addEventListener('visibilitychange', onVisible);
    // Browser tests and the map benchmark look at the connection through this handle.
    (window as { __xiaoanLive?: LiveConnection }).__xiaoanLive = connection;
    return () => {
      window.removeEventListener('online', retry);
      document.removeEventListener('visibilitychange', onVisible);
      delete (window as { __xiaoanLive?: LiveConnection }).__xiaoanLive;
      connection.stop();
    };
  }, [connection]);
  return <LiveContext.Provider value={connection}>{children}</LiveContext.Provider>;
}

export function useLiveConnection(): LiveConnection {
  const c = useContext(LiveContext);
  if (!c) throw new Error('useLiveConnection outside LiveProvider');
  return c;
}

/** The connection's state (phase, retries, missed events); re-renders when it changes. */
export function useLiveState(): LiveState {
  const c = useLiveConnection();
  return useSyncExternalStore(
    (notify) => c.onState(notify),
    () => c.getState(),
  );
}

/** Keeps the latest callback without re-subscribing on every render. */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/** Calls `handler` with every batch of new events (only users with event.read receive any). */
export function useLiveEvents(handler: (events: DeviceEvent[]) => void, enabled = true): void {
  const c = useLiveConnection();
  const latest = useLatest(handler);
  useEffect(() => (enabled ? c.onEvents((e) => latest.current(e)) : undefined), [c, enabled, latest]);
}

/** Calls `handler` with every batch of device online/offline changes. */
export function useLiveStatus(handler: (changes: DeviceStatusChange[]) => void): void {
  const c = useLiveConnection();
  const latest = useLatest(handler);
  useEffect(() => c.onStatus((s) => latest.current(s)), [c, latest]);
}

/** Calls `handler` when the page should re-read from the API (after a reconnection or missed events). */
export function useLiveResync(handler: (reason: ResyncReason) => void): void {
  const c = useLiveConnection();
  const latest = useLatest(handler);
  useEffect(() => c.onResync((r) => latest.current(r)), [c, latest]);
}

/** Calls `handler` with every message of `type` (for message types without a hook of their own, e.g. `alarms`). */
export function useLiveMessage<T extends LiveMessageType>(type: T, handler: (message: LiveMessageOf<T>) => void): void {
  const c = useLiveConnection();
  const latest = useLatest(handler);
  useEffect(() => c.onMessage(type, (m) => latest.current(m)), [c, type, latest]);
}
