import { useCallback, useEffect, useRef, useState } from 'react';
import { guardApi, type MyDispatch } from '../../api/alarms.ts';

const POLL_MS = 3000;

/** My dispatches, newest first, polled every few seconds; a new one vibrates the phone. */
export function useMyDispatches() {
  const [items, setItems] = useState<MyDispatch[]>([]);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const known = useRef<Set<string> | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await guardApi.dispatches();
      const fresh = known.current ? list.filter((d) => !known.current!.has(d.id)) : [];
      known.current = new Set(list.map((d) => d.id));
      if (fresh.length && 'vibrate' in navigator) navigator.vibrate([300, 150, 300]);
      setItems(list);
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [load]);

  return { items, error, loading, reload: () => void load() };
}
