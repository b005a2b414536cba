/**
 * The rows of the event stream: newest first, at most `capacity` in memory, no duplicates.
 * Live events and history pages may overlap and arrive in any order; ids are time-ordered
 * (UUID v7: sorting by id is sorting by arrival), so merging is sorting by id.
 * While paused, new events wait aside and are counted.
 */
import type { DeviceEvent } from '../../../shared/events.ts';

/** Rows kept while the stream runs; loading older history raises it, up to MAX_CAPACITY. */
export const BASE_CAPACITY = 500;
export const MAX_CAPACITY = 5000;

export interface StreamState {
  /** Newest first. */
  rows: DeviceEvent[];
  capacity: number;
  paused: boolean;
  /** Events that arrived while paused, newest first (at most `capacity`). */
  pending: DeviceEvent[];
  /** How many arrived while paused (may exceed `pending.length`). */
  pendingCount: number;
  /** Whether older events may exist beyond the last row. */
  hasOlder: boolean;
}

export function initialState(capacity = BASE_CAPACITY): StreamState {
  return { rows: [], capacity, paused: false, pending: [], pendingCount: 0, hasOlder: true };
}

const byIdDesc = (a: DeviceEvent, b: DeviceEvent) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Both lists merged newest first without duplicates, cut to `limit`; `cut` tells whether rows were dropped. */
export function mergeNewestFirst(a: readonly DeviceEvent[], b: readonly DeviceEvent[], limit: number): { rows: DeviceEvent[]; cut: boolean } {
  const seen = new Set<string>();
  const all: DeviceEvent[] = [];
  for (const list of [a, b]) {
    for (const e of list) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      all.push(e);
    }
  }
  all.sort(byIdDesc);
  return all.length > limit ? { rows: all.slice(0, limit), cut: true } : { rows: all, cut: false };
}

/** New live events (already filtered). */
export function receive(state: StreamState, events: readonly DeviceEvent[]): StreamState {
  if (!events.length) return state;
  if (state.paused) {
    const known = new Set(state.rows.map((e) => e.id));
    const fresh = events.filter((e) => !known.has(e.id));
    const { rows: pending } = mergeNewestFirst(state.pending, fresh, state.capacity);
    return { ...state, pending, pendingCount: state.pendingCount + fresh.length };
  }
  const { rows, cut } = mergeNewestFirst(state.rows, events, state.capacity);
  return { ...state, rows, hasOlder: state.hasOlder || cut };
}

export function pause(state: StreamState): StreamState {
  return state.paused ? state : { ...state, paused: true };
}

/** The waiting events join the rows. */
export function resume(state: StreamState): StreamState {
  if (!state.paused) return state;
  const { rows, cut } = mergeNewestFirst(state.pending, state.rows, state.capacity);
  return { ...state, rows, paused: false, pending: [], pendingCount: 0, hasOlder: state.hasOlder || cut };
}

/**
 * A page of history (older events). Makes room for it by raising the capacity, so that the
 * rows the user asked for are not dropped at once by the next live event.
 */
export function addOlder(state: StreamState, older: readonly DeviceEvent[], hasMore: boolean): StreamState {
  const capacity = Math.min(MAX_CAPACITY, Math.max(state.capacity, state.rows.length + older.length));
  const { rows, cut } = mergeNewestFirst(state.rows, older, capacity);
  return { ...state, rows, capacity, hasOlder: hasMore || cut };
}

/** The id to page back from: the oldest row. */
export function oldestId(state: StreamState): string | undefined {
  return state.rows.length ? state.rows[state.rows.length - 1].id : undefined;
}
