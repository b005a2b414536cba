import type { Clock } from '../../clock.ts';

/**
 * The clock the history's services read: set by the generator to the historical instant of
 * whatever runs (an event arriving, an operator acknowledging an alarm). Only the generator
 * moves it; it may go back when a step scheduled earlier runs after a later one was prepared.
 */
export class HistoryClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  nowIso(): string {
    return new Date(this.ms).toISOString();
  }
  set(ms: number): void {
    this.ms = Math.floor(ms);
  }
}
