import dayjs from 'dayjs';

/** `23:05:11` today, `11-24 23:05:11` on another day of this year, else the full date. */
export function formatEventTime(iso: string, now = dayjs()): string {
  const d = dayjs(iso);
  if (d.isSame(now, 'day')) return d.format('HH:mm:ss');
  if (d.isSame(now, 'year')) return d.format('MM-DD HH:mm:ss');
  return d.format('YYYY-MM-DD HH:mm:ss');
}

/** An event received this much later than it happened was held back by the device (buffered, resent). */
export const LATE_AFTER_MS = 60_000;

/** How late the event arrived, in ms, when it counts as late; else null. */
export function lateBy(e: { occurredAt: string; receivedAt: string }): number | null {
  const delay = Date.parse(e.receivedAt) - Date.parse(e.occurredAt);
  return delay >= LATE_AFTER_MS ? delay : null;
}
