import { useCallback, useEffect, useRef, useState } from 'react';
import { alarmsApi, type Alarm } from '../../api/alarms.ts';
import { useLiveMessage, useLiveResync } from '../../live/LiveProvider.tsx';
import { arrivals, sortQueue } from './alarm-format.ts';
import { beep } from './beep.ts';

const FLASH_MS = 10_000;
/** Safety net when a push was lost: the queue is re-read this often anyway. */
const POLL_MS = 15_000;

export interface AlarmQueueState {
  alarms: Alarm[];
  error: Error | undefined;
  loading: boolean;
  /** Alarms that arrived over the live connection in the last seconds. */
  flashing: ReadonlySet<string>;
  /** Bumped for every pushed change, per alarm: the open case file re-reads when its alarm changed. */
  changes: Readonly<Record<string, number>>;
  reload: () => void;
}

/**
 * The alarm queue, kept current by the live connection: every `alarms` push re-reads the queue
 * (at most one request in flight, one more queued), a new alarm beeps and flashes.
 */
export function useAlarmQueue(routedToMe = false): AlarmQueueState {
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());
  const [changes, setChanges] = useState<Record<string, number>>({});
  const known = useRef<Set<string> | null>(null);
  const inFlight = useRef(false);
  const again = useRef(false);
  const mine = useRef(routedToMe);
  mine.current = routedToMe;

  const load = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        const page = await alarmsApi.queue(undefined, mine.current);
        const next = sortQueue(page.items);
        const fresh = arrivals(known.current, next);
        known.current = new Set(next.map((a) => a.id));
        setAlarms(next);
        setError(undefined);
        if (fresh.length) {
          beep();
          setFlashing((prev) => new Set([...prev, ...fresh]));
          setTimeout(() => setFlashing((prev) => new Set([...prev].filter((id) => !fresh.includes(id)))), FLASH_MS);
        }
      } while (again.current);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load, routedToMe]);

  useLiveMessage('alarms', (message) => {
    const list = message.changes ?? [];
    setChanges((prev) => {
      const next = { ...prev };
      for (const c of list) next[c.alarmId] = (next[c.alarmId] ?? 0) + 1;
      return next;
    });
    void load();
  });
  useLiveResync(() => void load());

  return { alarms, error, loading, flashing, changes, reload: () => void load() };
}
