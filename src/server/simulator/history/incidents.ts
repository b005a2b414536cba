/**
 * A few incidents worth a case file (案卷): a break-in at a laboratory, a climb over the fence,
 * a small fire. The device traffic writes their events; the alarm handling recognises them by
 * the events' source ids and handles them as the real thing (police, photos, reports).
 */
export type IncidentKind = 'lab_break_in' | 'fence_climb' | 'lab_fire';

export interface Incident {
  kind: IncidentKind;
  /** Local date and time it started. */
  date: string;
  time: string;
}

export class IncidentBook {
  private readonly bySourceEventId = new Map<string, Incident>();
  readonly all: Incident[] = [];

  add(incident: Incident, sourceEventIds: readonly string[]) {
    this.all.push(incident);
    for (const id of sourceEventIds) this.bySourceEventId.set(id, incident);
  }

  of(sourceEventId: string | null): Incident | undefined {
    return sourceEventId ? this.bySourceEventId.get(sourceEventId) : undefined;
  }
}

/** Days before the end of the history on which incidents happen (those inside the history). */
export const INCIDENT_DAYS: readonly { daysBack: number; kind: IncidentKind; time: string }[] = [
  { daysBack: 76, kind: 'lab_break_in', time: '02:37' },
  { daysBack: 47, kind: 'fence_climb', time: '23:12' },
  { daysBack: 19, kind: 'lab_fire', time: '14:26' },
  { daysBack: 2, kind: 'fence_climb', time: '01:48' },
];
