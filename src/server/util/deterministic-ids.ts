/**
 * Deterministic ids for generated data (the demo history): the modules mint ids with `uuid7()`
 * (time-ordered) and `uuid4()` (util/uuid7.ts). While `withDeterministicIds` runs, both draw from
 * a seeded stream and uuid7 takes its time from the given clock, so the same seed and the same
 * end date give the same ids, and an event's id carries its historical time (the event log pages
 * by id). The source is process-wide, so this is for a process doing nothing else meanwhile: the
 * history runs before the server listens, or in its own script. Always restored, also on failure.
 */
import type { Clock } from '../clock.ts';
import type { Random } from './random.ts';
import { setIdSource } from './uuid7.ts';

let active = false;

export async function withDeterministicIds<T>(rng: Random, clock: Clock, fn: () => Promise<T>): Promise<T> {
  if (active) throw new Error('withDeterministicIds: already active');
  active = true;
  const bytes = (n: number) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(rng.next() * 256);
    return b;
  };
  setIdSource({ now: () => clock.now(), bytes });
  try {
    return await fn();
  } finally {
    setIdSource(null);
    active = false;
  }
}
