/** Pure helpers of the operator screen: queue order, priority colours, allowed steps, ages. */
import { ALARM_STEPS, type AlarmState, type AlarmStep } from '../../../shared/alarms.ts';
import type { Alarm, SopStep } from '../../api/alarms.ts';

/** Priority 1 (most urgent) … 4: the queue's colour bar and tag. */
export const PRIORITY_COLORS: Record<number, string> = { 1: '#cf1322', 2: '#d46b08', 3: '#d4b106', 4: '#1677ff' };
export const priorityColor = (p: number) => PRIORITY_COLORS[p] ?? '#8c8c8c';

/** The lifecycle as the Steps bar shows it (false alarm is an alternative end, shown instead of closed). */
export const LIFECYCLE: readonly AlarmState[] = ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved', 'closed'];

export function lifecycleIndex(state: AlarmState): number {
  if (state === 'false_alarm') return LIFECYCLE.length - 1;
  return LIFECYCLE.indexOf(state);
}

/** Steps the operator may take from this state, in the order the buttons show. */
export function allowedSteps(state: AlarmState): AlarmStep[] {
  return (Object.keys(ALARM_STEPS) as AlarmStep[]).filter((s) => (ALARM_STEPS[s].from as readonly AlarmState[]).includes(state));
}

/** Most urgent first, then the one waiting longest (as the server orders the queue). */
export function sortQueue(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort((a, b) => a.priority - b.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Alarm ids in `next` that were not in `previous` (new arrivals: beep and flash). */
export function arrivals(previous: ReadonlySet<string> | null, next: readonly Alarm[]): string[] {
  if (!previous) return [];
  return next.filter((a) => !previous.has(a.id)).map((a) => a.id);
}

/** "mm:ss" below an hour, "h:mm:ss" above; negative ages count as zero. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

/** Mandatory procedure steps still open: closing waits for them. */
export const openMandatory = (sop: readonly SopStep[]) => sop.filter((s) => s.mandatory && !s.doneAt);

/** Whole minutes for an ETA in seconds, at least 1. */
export const etaMinutes = (etaS: number | null) => (etaS === null ? null : Math.max(1, Math.round(etaS / 60)));
