import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { DeviceEvent } from '../../../shared/events.ts';
import { eventsApi, type DeviceRef } from '../../api/events.ts';
import { useLiveEvents, useLiveResync } from '../../live/LiveProvider.tsx';
import { addOlder, initialState, oldestId, pause, receive, resume, type StreamState } from './event-buffer.ts';
import { apiQueryOf, eventMatcher, type EventFilter } from './event-filter.ts';

/** Live events are shown in batches, at most this often (a burst is one render, not hundreds). */
const FLUSH_MS = 200;
const PAGE = 100;
/** With a campus filter (applied here, not by the API) one "load more" reads at most this many pages. */
const MAX_PAGES_PER_LOAD = 5;
const WANTED_PER_LOAD = 50;

type Action =
  | { type: 'reset' }
  | { type: 'receive'; events: DeviceEvent[] }
  | { type: 'older'; events: DeviceEvent[]; hasMore: boolean }
  | { type: 'pause' }
  | { type: 'resume' };

function reducer(state: StreamState, a: Action): StreamState {
  switch (a.type) {
    case 'reset':
      return { ...initialState(), paused: state.paused };
    case 'receive':
      return receive(state, a.events);
    case 'older':
      return addOlder(state, a.events, a.hasMore);
    case 'pause':
      return pause(state);
    case 'resume':
      return resume(state);
  }
}

export interface EventStream {
  state: StreamState;
  loading: boolean;
  error: Error | undefined;
  loadOlder: () => void;
  setPaused: (paused: boolean) => void;
  reload: () => void;
}

/**
 * The event stream's rows: the latest stored events (GET /api/events), then every matching
 * live event on top; older pages on demand. A filter change starts over; a reconnection or
 * missed events re-read the latest page and merge it in.
 */
export function useEventStream(filter: EventFilter, devices: ReadonlyMap<string, DeviceRef>, directoryReady: boolean, onUnknownDevice: (id: string) => void): EventStream {
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState());
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error>();
  const matcher = useMemo(() => eventMatcher(filter, devices), [filter, devices]);
  const latest = useRef({ matcher, state, filter, onUnknownDevice });
  latest.current = { matcher, state, filter, onUnknownDevice };
  const generation = useRef(0);
  const queue = useRef<DeviceEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A campus filter needs the directory; wait for it instead of showing nothing.
  const ready = !filter.campusId || directoryReady;

  /** Reads pages backwards from `beforeId` until enough rows match (the campus is filtered here). */
  const fetchOlder = useCallback(async (beforeId: string | undefined, gen: number) => {
    const { filter: f } = latest.current;
    const query = apiQueryOf(f);
    const found: DeviceEvent[] = [];
    let cursor = beforeId;
    let hasMore = true;
    for (let i = 0; i < (f.campusId ? MAX_PAGES_PER_LOAD : 1) && found.length < WANTED_PER_LOAD; i++) {
      const page = await eventsApi.list({ ...query, beforeId: cursor, limit: PAGE });
      if (gen !== generation.current) return;
      const match = latest.current.matcher;
      found.push(...page.items.filter(match));
      cursor = page.nextBeforeId ?? undefined;
      hasMore = page.nextBeforeId !== null;
      if (!hasMore) break;
    }
    dispatch({ type: 'older', events: found, hasMore });
  }, []);

  const run = useCallback(
    (beforeId: string | undefined, gen: number) => {
      setLoading(true);
      fetchOlder(beforeId, gen)
        .then(() => gen === generation.current && setError(undefined))
        .catch((err: unknown) => gen === generation.current && setError(err instanceof Error ? err : new Error(String(err))))
        .finally(() => gen === generation.current && setLoading(false));
    },
    [fetchOlder],
  );

  // A new filter: start over with the latest page.
  const filterKey = JSON.stringify(filter);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const gen = ++generation.current;
    queue.current = [];
    dispatch({ type: 'reset' });
    if (ready) run(undefined, gen);
  }, [filterKey, ready, tick, run]);

  const flush = useCallback(() => {
    timer.current = null;
    const events = queue.current;
    queue.current = [];
    if (events.length) dispatch({ type: 'receive', events });
  }, []);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  useLiveEvents((events) => {
    const { matcher: match, onUnknownDevice: unknown } = latest.current;
    for (const e of events) {
      if (!devices.has(e.deviceId)) unknown(e.deviceId);
      if (match(e)) queue.current.push(e);
    }
    if (queue.current.length && !timer.current) timer.current = setTimeout(flush, FLUSH_MS);
  }, ready);

  // What happened while the connection was down was not pushed: read the latest page again.
  useLiveResync(() => {
    if (!ready) return;
    const gen = generation.current;
    eventsApi
      .list({ ...apiQueryOf(latest.current.filter), limit: PAGE })
      .then((page) => gen === generation.current && dispatch({ type: 'receive', events: page.items.filter(latest.current.matcher) }))
      .catch(() => {});
  });

  const loadOlder = useCallback(() => run(oldestId(latest.current.state), generation.current), [run]);
  const setPaused = useCallback((p: boolean) => dispatch({ type: p ? 'pause' : 'resume' }), []);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  return { state, loading, error, loadOlder, setPaused, reload };
}
