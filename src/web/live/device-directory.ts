import { useCallback, useEffect, useState } from 'react';
import { loadDeviceDirectory, type DeviceRef } from '../api/events.ts';

export interface DeviceDirectory {
  byId: ReadonlyMap<string, DeviceRef>;
  list: readonly DeviceRef[];
}

const EMPTY: DeviceDirectory = { byId: new Map(), list: [] };
/** A directory older than this is loaded again when a page asks for it. */
const MAX_AGE_MS = 5 * 60_000;
/** An unknown device id (registered since) reloads the directory at most this often. */
const MIN_RELOAD_MS = 60_000;

interface Entry {
  promise: Promise<DeviceDirectory>;
  loadedAt: number;
}
const cache = new Map<string, Entry>();

function load(universityId: string | undefined, force = false): Promise<DeviceDirectory> {
  const key = universityId ?? '*';
  const hit = cache.get(key);
  const age = hit ? Date.now() - hit.loadedAt : Infinity;
  if (hit && age < (force ? MIN_RELOAD_MS : MAX_AGE_MS)) return hit.promise;
  const promise = loadDeviceDirectory(universityId).then((list) => ({ list, byId: new Map(list.map((d) => [d.id, d])) }));
  promise.catch(() => cache.delete(key));
  cache.set(key, { promise, loadedAt: Date.now() });
  return promise;
}

/**
 * Names and campuses of the devices the user may see, shared by the event stream and the
 * dead letters (loaded once, kept for five minutes). `lookupMissed` reloads it — at most once a
 * minute — when an event names a device registered since.
 */
export function useDeviceDirectory(universityId: string | undefined): DeviceDirectory & { loading: boolean; error: Error | undefined; lookupMissed: (deviceId: string) => void } {
  const [dir, setDir] = useState<DeviceDirectory>(EMPTY);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();

  const apply = useCallback(
    (promise: Promise<DeviceDirectory>, isCurrent: () => boolean) =>
      promise.then(
        (d) => {
          if (!isCurrent()) return;
          setDir(d);
          setError(undefined);
          setLoading(false);
        },
        (err: unknown) => {
          if (!isCurrent()) return;
          setError(err instanceof Error ? err : new Error(String(err)));
          setLoading(false);
        },
      ),
    [],
  );

  useEffect(() => {
    let current = true;
    setLoading(true);
    void apply(load(universityId), () => current);
    return () => {
      current = false;
    };
  }, [universityId, apply]);

  const lookupMissed = useCallback(
    (deviceId: string) => {
      if (dir.byId.has(deviceId) || loading) return;
      void apply(load(universityId, true), () => true);
    },
    [dir, loading, universityId, apply],
  );

  return { ...dir, loading, error, lookupMissed };
}
