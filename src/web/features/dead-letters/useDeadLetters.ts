import { useCallback, useEffect, useRef, useState } from 'react';
import { deadLettersApi, type DeadLetter } from '../../api/events.ts';

const PAGE = 50;

export interface DeadLetterList {
  items: DeadLetter[];
  hasMore: boolean;
  loading: boolean;
  error: Error | undefined;
  loadMore: () => void;
  reload: () => void;
}

/** Dead letters newest first (of one device when given), paged backwards with beforeId. */
export function useDeadLetters(deviceId: string | undefined): DeadLetterList {
  const [items, setItems] = useState<DeadLetter[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const generation = useRef(0);

  const fetchPage = useCallback(
    (beforeId: string | undefined, gen: number, append: boolean) => {
      setLoading(true);
      deadLettersApi
        .list({ deviceId, beforeId, limit: PAGE })
        .then((page) => {
          if (gen !== generation.current) return;
          setItems((prev) => (append ? [...prev, ...page.items.filter((d) => !prev.some((p) => p.id === d.id))] : page.items));
          setNext(page.nextBeforeId);
          setError(undefined);
        })
        .catch((err: unknown) => gen === generation.current && setError(err instanceof Error ? err : new Error(String(err))))
        .finally(() => gen === generation.current && setLoading(false));
    },
    [deviceId],
  );

  useEffect(() => {
    const gen = ++generation.current;
    fetchPage(undefined, gen, false);
  }, [fetchPage, tick]);

  const loadMore = useCallback(() => {
    if (next) fetchPage(next, generation.current, true);
  }, [next, fetchPage]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { items, hasMore: next !== null, loading, error, loadMore, reload };
}
