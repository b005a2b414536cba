import type { Selectable } from 'kysely';
import type { DeviceEvent, EventKind, EventSource, Severity } from '../../../shared/events.ts';
import { readJson, writeJson } from '../../store/database.ts';
import type { EventTable } from '../../store/schema.ts';
import type { Db } from '../audit/audit.repository.ts';

export interface EventQuery {
  universityId: string | null;
  deviceId?: string;
  kinds?: EventKind[];
  subject?: string;
  from?: string;
  to?: string;
  /** Page backwards from this id (exclusive): ids are time-ordered. */
  beforeId?: string;
  limit: number;
}

/** Person id or plate text: what trajectory and search look events up by. */
export function subjectOf(e: Pick<DeviceEvent, 'kind' | 'payload'>): string | null {
  const p = e.payload as { personId?: string; plate?: string };
  return p.plate ?? p.personId ?? null;
}

export function toEvent(r: Selectable<EventTable>): DeviceEvent {
  return {
    id: r.id,
    source: r.source as EventSource,
    sourceEventId: r.source_event_id,
    orgId: r.university_id,
    deviceId: r.device_id,
    kind: r.kind as EventKind,
    severity: r.severity as Severity,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    payload: readJson(r.payload),
  } as DeviceEvent;
}

const ROWS_PER_STATEMENT = 1000; // 11 columns: well under SQLite's bound-parameter limit

export class EventsRepository {
  /**
   * Appends events; ones whose (device, sourceEventId) is already stored are skipped.
   * Returns the ids actually inserted.
   */
  async append(db: Db, events: DeviceEvent[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
      const rows = events.slice(i, i + ROWS_PER_STATEMENT).map((e) => ({
        id: e.id,
        university_id: e.orgId,
        device_id: e.deviceId,
        source: e.source,
        source_event_id: e.sourceEventId,
        kind: e.kind,
        severity: e.severity,
        occurred_at: e.occurredAt,
        received_at: e.receivedAt,
        subject: subjectOf(e),
        payload: writeJson(e.payload),
      }));
      const res = await db.insertInto('events').values(rows).onConflict((oc) => oc.doNothing()).returning('id').execute();
      for (const r of res) inserted.add(r.id);
    }
    return inserted;
  }

  async list(db: Db, q: EventQuery): Promise<DeviceEvent[]> {
    let query = db.selectFrom('events').selectAll();
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.deviceId) query = query.where('device_id', '=', q.deviceId);
    if (q.kinds?.length) query = query.where('kind', 'in', q.kinds);
    if (q.subject) query = query.where('subject', '=', q.subject);
    if (q.from) query = query.where('occurred_at', '>=', q.from);
    if (q.to) query = query.where('occurred_at', '<', q.to);
    if (q.beforeId) query = query.where('id', '<', q.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(toEvent);
  }

  async count(db: Db, universityId?: string): Promise<number> {
    let query = db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n'));
    if (universityId) query = query.where('university_id', '=', universityId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** Deletes at most `limit` events of one kind received before `before`; returns how many. */
  async deleteOlderThan(db: Db, kind: string, before: string, limit: number): Promise<number> {
    const ids = db.selectFrom('events').select('id').where('kind', '=', kind).where('received_at', '<', before).limit(limit);
    const res = await db.deleteFrom('events').where('id', 'in', ids).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
