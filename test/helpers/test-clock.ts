import type { Clock } from '../../src/server/clock.ts';

/**
 * The clock every test app runs on. `XIAOAN_TEST_NOW` (an ISO instant, e.g.
 * `2026-12-13T22:12:00+08:00`, a Sunday night in Beijing) starts it there and lets it run at
 * the real rate, so the whole suite can be run at any hour of any day of the week without
 * waiting for it; unset, it is the machine's clock. Tests must pass either way.
 */
export function testClock(): Clock {
  const start = process.env.XIAOAN_TEST_NOW;
  if (!start) return { now: () => Date.now(), nowIso: () => new Date().toISOString() };
  const at = Date.parse(start);
  if (Number.isNaN(at)) throw new Error(`XIAOAN_TEST_NOW is not an ISO instant: ${start}`);
  const offset = at - Date.now();
  return { now: () => Date.now() + offset, nowIso: () => new Date(Date.now() + offset).toISOString() };
}
