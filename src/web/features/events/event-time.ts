import { beijingDateTime } from '../../../shared/beijing-time.ts';

/** `23:05:11` today, `11-24 23:05:11` on another day of this year, else the full date: Beijing time, whatever the browser's. */
export function formatEventTime(iso: string, nowMs = Date.now()): string {
  const at = beijingDateTime(Date.parse(iso)); // YYYY-MM-DD HH:mm:ss
  const today = beijingDateTime(nowMs);
  if (at.slice(0, 10) === today.slice(0, 10)) return at.slice(11);
  if (at.slice(0, 4) === today.slice(0, 4)) return at.slice(5);
  return at;
}

/** An event received this much later than it happened was held back by the device (buffered, resent). */
export const LATE_AFTER_MS = 60_000;

/** How late the event arrived, in ms, when it counts as late; else null. */
export function lateBy(e: { occurredAt: string; receivedAt: string }): number | null {
  const delay = Date.parse(e.receivedAt) - Date.parse(e.occurredAt);
  return delay >= LATE_AFTER_MS ? delay : null;
}
