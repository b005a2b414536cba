import { PostgresAdapter, sql, type Selectable } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { DeviceEvent, EventKind, EventSource, Severity } from '../../../shared/events.ts';
import { readJson, writeJson, type Store } from '../../store/database.ts';
import type { EventTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'events'>;

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

/** An event as a row of `events`, the payload still an object (serialised by the caller's dialect). */
const toRow = (e: DeviceEvent) => ({
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
  payload: e.payload as unknown,
});

const ROWS_PER_STATEMENT = 1000; // 11 columns: well under SQLite's bound-parameter limit

const SQLITE_INSERT =
  'insert into events (id, university_id, device_id, source, source_event_id, kind, severity, occurred_at, received_at, subject, payload) ' +
  'values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing';

export class EventsRepository {
  private readonly dialect: Store['dialect'] | undefined;
  private readonly sqlite: SQLite.Database | undefined;
  private sqliteInsert: SQLite.Statement | undefined;

  /** With the store, `appendInTransaction` takes the dialect's fast path. */
  constructor(store?: Pick<Store, 'dialect' | 'sqlite'>) {
    this.dialect = store?.dialect;
    this.sqlite = store?.sqlite;
  }

  /**
   * `append` for the event writer's group commit: `trx` must be a transaction on the store given
   * to the constructor. SQLite: one cached prepared single-row insert per event on the raw handle
   * (the same single connection, so the same transaction; no 11,000-node query to build and
   * prepare per chunk). PostgreSQL: one `insert … select from json_to_recordset($1)` per batch,
   * one parameter instead of 11 per row.
   */
  async appendInTransaction(trx: Db, events: DeviceEvent[]): Promise<Set<string>> {
    if (this.sqlite) {
      const stmt = (this.sqliteInsert ??= this.sqlite.prepare(SQLITE_INSERT));
      const inserted = new Set<string>();
      for (const e of events) {
        const r = stmt.run(e.id, e.orgId, e.deviceId, e.source, e.sourceEventId, e.kind, e.severity, e.occurredAt, e.receivedAt, subjectOf(e), writeJson(e.payload));
        if (r.changes === 1) inserted.add(e.id);
      }
      return inserted;
    }
    if (this.dialect === 'postgres') return this.appendAsJson(trx, events);
    return this.append(trx, events);
  }

  /**
   * PostgreSQL: the batch as one JSON document (JSON.stringify is native, where node-pg would
   * escape 11 text arrays element by element in JavaScript: measured, more GC, no gain). Events are
   * partitioned by month there, so a resend is recognised by claiming its (device, source event id)
   * in `event_sources` in the same statement: only a claim won (or an event without a source id) is stored.
   */
  private async appendAsJson(db: Db, events: DeviceEvent[]): Promise<Set<string>> {
    const rows = events.map(toRow);
    const { rows: inserted } = await sql<{ id: string }>`
      with input as materialized (
        select * from json_to_recordset(${JSON.stringify(rows)}::json)
          as t(id text, university_id text, device_id text, source text, source_event_id text, kind text, severity text,
               occurred_at timestamptz, received_at timestamptz, subject text, payload jsonb)),
      claimed as (
        insert into event_sources (device_id, source_event_id, event_id, received_at)
        select device_id, source_event_id, id, received_at from input where source_event_id is not null
        on conflict do nothing
        returning event_id)
      insert into events (id, university_id, device_id, source, source_event_id, kind, severity, occurred_at, received_at, subject, payload)
      select id, university_id, device_id, source, source_event_id, kind, severity, occurred_at, received_at, subject, payload
      from input where source_event_id is null or id in (select event_id from claimed)
      on conflict do nothing
      returning id`.execute(db);
    return new Set(inserted.map((r) => r.id));
  }

  /**
   * Appends events; ones whose (device, sourceEventId) is already stored are skipped.
   * Returns the ids actually inserted.
   */
  async append(db: Db, events: DeviceEvent[]): Promise<Set<string>> {
    // PostgreSQL, whoever built this repository: a resend is recognised only through its claim.
    if (db.getExecutor().adapter instanceof PostgresAdapter) return this.appendAsJson(db, events);
    const inserted = new Set<string>();
    for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
      const rows = events.slice(i, i + ROWS_PER_STATEMENT).map((e) => ({ ...toRow(e), payload: writeJson(e.payload) }));
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

  async byIds(db: Db, ids: string[]): Promise<DeviceEvent[]> {
    const out: DeviceEvent[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await db.selectFrom('events').selectAll().where('id', 'in', ids.slice(i, i + 500)).orderBy('id').execute()).map(toEvent));
    return out;
  }

  /** Events in commit order (ids are time-ordered), after `afterId`: a consumer catching up. */
  async after(db: Db, afterId: string, limit: number): Promise<DeviceEvent[]> {
    let q = db.selectFrom('events').selectAll().orderBy('id').limit(limit);
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.execute()).map(toEvent);
  }

  /** Devices of a university that sent any of `kinds` between `from` and `to` (both inclusive). */
  async devicesReporting(db: Db, universityId: string, kinds: readonly string[], from: string, to: string): Promise<Set<string>> {
    const rows = await db
      .selectFrom('events')
      .select('device_id')
      .distinct()
      .where('university_id', '=', universityId)
      .where('kind', 'in', kinds)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<=', to)
      .execute();
    return new Set(rows.map((r) => r.device_id));
  }

  /** Events of `kinds` from one device after `since` and up to `until` (a count trigger's window). */
  async countFromDevice(db: Db, deviceId: string, kinds: readonly string[], since: string, until: string): Promise<number> {
    const { n } = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', deviceId)
      .where('kind', 'in', kinds)
      .where('occurred_at', '>', since)
      .where('occurred_at', '<=', until)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async offsetOf(db: Db, consumer: string): Promise<string> {
    const row = await db.selectFrom('consumer_offsets').select('last_event_id').where('consumer', '=', consumer).executeTakeFirst();
    return row?.last_event_id ?? '';
  }

  async saveOffset(db: Db, consumer: string, lastEventId: string, at: string) {
    await db
      .insertInto('consumer_offsets')
      .values({ consumer, last_event_id: lastEventId, updated_at: at })
      .onConflict((oc) => oc.column('consumer').doUpdateSet({ last_event_id: lastEventId, updated_at: at }))
      .execute();
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

  /** PostgreSQL: deletes at most `limit` resend claims received before `before`; returns how many. */
  async deleteSourcesOlderThan(db: Db, before: string, limit: number): Promise<number> {
    const res = await sql`delete from event_sources where (device_id, source_event_id) in (
      select device_id, source_event_id from event_sources where received_at < ${before} limit ${limit})`.execute(db);
    return Number(res.numAffectedRows ?? 0);
  }
}
