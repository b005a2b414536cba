import type { Clock } from '../../src/server/clock.ts';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private ms = Date.parse('2026-03-02T08:00:00.000Z')) {}
  now() {
    return this.ms;
  }
  nowIso() {
    return new Date(this.ms).toISOString();
  }
  advance(ms: number) {
    this.ms += ms;
  }
  /** Jumps to an instant; only forwards, as real time goes. */
  set(ms: number) {
    if (ms < this.ms) throw new Error('a clock does not go backwards');
    this.ms = ms;
  }
}
