import { useEffect, useRef, useState } from 'react';
import { healthApi } from '../../api/events.ts';
import { useLiveResync, useLiveStatus } from '../../live/LiveProvider.tsx';
import { HealthStore } from './health-store.ts';

/** The whole list is read again this often, so "last seen" of online devices stays fresh. */
const REFRESH_MS = 2 * 60_000;
/** Re-renders for counts happen at most this often (the map itself is updated per change). */
const RENDER_EVERY_MS = 1000;

export interface DeviceHealthView {
  store: HealthStore;
  /** Changes when the counts may have changed (throttled). */
  version: number;
  loaded: boolean;
  error: Error | undefined;
}

/** Device online states for the map: loaded once, kept current by the live connection. */
export function useDeviceHealth(): DeviceHealthView {
  const [store] = useState(() => new HealthStore());
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<Error>();
  const reload = useRef<() => void>(() => {});

  useEffect(() => {
    const controller = new AbortController();
    const load = () => {
      healthApi
        .status(controller.signal)
        .then((all) => {
          store.reset(all);
          setError(undefined);
        })
        .catch((err: unknown) => {
          if ((err as Error).name !== 'AbortError') setError(err instanceof Error ? err : new Error(String(err)));
        });
    };
    reload.current = load;
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
      reload.current = () => {};
    };
  }, [store]);

  // Counts in the toolbar follow the store, throttled (the first load at once).
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = store.subscribe((change) => {
      if (change.type === 'reset') return setVersion(store.version);
      timer ??= setTimeout(() => {
        timer = null;
        setVersion(store.version);
      }, RENDER_EVERY_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store]);

  useLiveStatus((changes) => store.apply(changes));
  useLiveResync(() => reload.current());

  return { store, version, loaded: store.loaded, error };
}
