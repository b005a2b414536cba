import { sql, type Selectable } from 'kysely';
import type { Store } from '../../store/database.ts';
import type { PresenceTable, SightingTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'trajectory'>;
export type SightingRow = Selectable<SightingTable>;
export type PresenceRow = Selectable<PresenceTable>;

/** 8 columns: 100 rows per statement stays under SQLite's bound-parameter limit and PostgreSQL's. */
const ROWS_PER_STATEMENT = 100;

/** The only reader and writer of `sightings`, `presence` and `sighting_backfill`. */
export class TrajectoryRepository {
  constructor(
    private readonly db: Db,
    readonly dialect: Store['dialect'],
  ) {}

  async insertSightings(rows: readonly SightingRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      await this.db
        .insertInto('sightings')
        .values(rows.slice(i, i + ROWS_PER_STATEMENT))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  /**
   * Removes sightings older than `before`, at most `limit` per call (SQLite, by the index on time);
   * returns how many. PostgreSQL drops whole months instead (store/partitions.ts).
   */
  async deleteSightingsBefore(before: string, limit: number): Promise<number> {
    // The table has no rowid (its key is the row): the oldest rows are named by their whole key.
    const res = await sql`delete from sightings where (university_id, subject, at, event_id) in (
      select university_id, subject, at, event_id from sightings where at < ${before} order by at limit ${limit})`.execute(this.db);
    return Number(res.numAffectedRows ?? 0);
  }

  /** Keeps each subject's latest pass: an older pass (a replay, the backfill behind the live path) changes nothing. */
  async updatePresence(rows: readonly PresenceRow[]): Promise<void> {
    // One statement may not update a row twice (PostgreSQL): keep each subject's latest pass of the batch.
    const latest = new Map<string, PresenceRow>();
    for (const r of rows) {
      const k = `${r.university_id}\n${r.subject}`;
      const prev = latest.get(k);
      if (!prev || r.at > prev.at) latest.set(k, r);
    }
    const list = [...latest.values()];
    for (let i = 0; i < list.length; i += ROWS_PER_STATEMENT) {
      await this.db
        .insertInto('presence')
        .values(list.slice(i, i + ROWS_PER_STATEMENT))
        .onConflict((oc) =>
          oc
            .columns(['university_id', 'subject'])
            .doUpdateSet((eb) => ({ inside: eb.ref('excluded.inside'), at: eb.ref('excluded.at'), device_id: eb.ref('excluded.device_id') }))
            .whereRef('presence.at', '<', 'excluded.at'),
        )
        .execute();
    }
  }

  /**
   * One subject's sightings from `from` to `to` (inclusive when `to` is the query's end, usually
   * now; exclusive when it is the instant a credential was revoked): a range of the primary key.
   */
  sightingsOf(universityId: string, subject: string, from: string, to: string, toInclusive: boolean, limit: number): Promise<SightingRow[]> {
    return this.db
      .selectFrom('sightings')
      .selectAll()
      .where('university_id', '=', universityId)
      .where('subject', '=', subject)
      .where('at', '>=', from)
      .where('at', toInclusive ? '<=' : '<', to)
      .orderBy('at')
      .limit(limit)
      .execute();
  }

  /** Plates seen that start with `prefix` (a range of the key per university), most recently seen first. */
  async platesStartingWith(universityId: string, prefix: string, limit: number): Promise<{ plate: string; last: string }[]> {
    const lo = `plate:${prefix}`;
    const rows = await this.db
      .selectFrom('sightings')
      .select(['subject', (eb) => eb.fn.max('at').as('last')])
      .where('university_id', '=', universityId)
      .where('subject', '>=', lo)
      .where('subject', '<', `${lo}\uffff`)
      .groupBy('subject')
      .orderBy('last', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ plate: r.subject.slice('plate:'.length), last: String(r.last) }));
  }

  /** People inside now (their last entrance pass was inwards), by subject. */
  async inside(universityId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('presence').select('subject').where('university_id', '=', universityId).where('inside', '=', 1).execute();
    return rows.map((r) => r.subject);
  }

  /**
   * Entrance passes in [from, to) per device, UTC hour and direction, counted once per event (an
   * access event is a sighting of the person and of the card). Beijing has no daylight saving, so
   * a UTC hour is a Beijing hour.
   */
  async entranceHours(universityId: string, from: string, to: string, plates: boolean): Promise<{ device_id: string; hour: string; direction: string; n: number }[]> {
    const hour = this.dialect === 'postgres' ? sql<string>`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24')` : sql<string>`substr(at, 1, 13)`;
    let q = this.db
      .selectFrom('sightings')
      .select(['device_id', hour.as('hour'), 'direction', (eb) => eb.fn.count<number>('event_id').distinct().as('n')])
      .where('university_id', '=', universityId)
      .where('entrance', '=', 1)
      .where('at', '>=', from)
      .where('at', '<', to)
      .where('direction', 'is not', null);
    q = plates ? q.where('kind', '=', 'plate.read') : q.where('kind', '=', 'access.granted');
    const rows = await q.groupBy(['device_id', hour, 'direction']).execute();
    return rows.map((r) => ({ device_id: r.device_id, hour: r.hour, direction: r.direction!, n: Number(r.n) }));
  }

  async backfillPosition(name: string): Promise<string> {
    const r = await this.db.selectFrom('sighting_backfill').select('after_id').where('name', '=', name).executeTakeFirst();
    return r?.after_id ?? '';
  }

  async saveBackfillPosition(name: string, afterId: string, doneAt: string | null): Promise<void> {
    await this.db
      .insertInto('sighting_backfill')
      .values({ name, after_id: afterId, until_id: null, done_at: doneAt })
      .onConflict((oc) => oc.column('name').doUpdateSet({ after_id: afterId, done_at: doneAt }))
      .execute();
  }
}
